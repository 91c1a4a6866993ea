/**
 * Ctrl-C in the middle of an attempt: SIGINT goes to the real `cto task` process while the test
 * server holds the worker's second turn. The process stops the call, records the attempt as
 * cancelled with the tokens of the turns already done, writes the task log, leaves no half-written
 * file, and exits 130, with and without --json.
 */
import {readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {makeSandbox, type Sandbox} from '../support/run-cli.js'
import {startOpenAIServer, type OpenAIServer} from '../support/openai-server.js'
import {filesUnder, isClassification, isCto, jsonlFiles, jsonReply, KEY, spawnCli, type Spawned} from './task-helpers.js'

let sb: Sandbox
let server: OpenAIServer | undefined
let workspace: string
beforeEach(async () => {
  sb = await makeSandbox()
  workspace = join(sb.home, 'work')
  const {mkdir} = await import('node:fs/promises')
  await mkdir(workspace)
})
afterEach(async () => {
  await server?.close()
  server = undefined
  await sb.cleanup()
})

/** Worker: turn 1 writes a file (200 + 30 tokens); turn 2 is held until the client goes away, after SIGINT is sent. */
async function holdingServer(onHeld: () => void): Promise<void> {
  server = await startOpenAIServer({
    handler: (r) => {
      if (isCto(r)) return jsonReply({complexity: 'moderate', type: 'coding', model: 'deepseek', reason: 'small'})
      if (r.body.messages.some((m) => m.role === 'tool')) {
        onHeld()
        return {delayMs: 60_000, content: 'too late'}
      }
      return {toolCalls: [{name: 'write_file', arguments: {path: join(workspace, 'notes.txt'), content: 'first draft\n'}}], usage: {prompt_tokens: 200, completion_tokens: 30}}
    },
  })
  await sb.writeUserConfig({
    worker_models: {claude: {haiku: {enabled: false}, sonnet: {enabled: false}, opus: {enabled: false}}},
    provider_endpoints: {deepseek: {api_url: server.baseURL}},
    engines: {max_retries: 0},
  })
}

async function interruptMidAttempt(args: string[]): Promise<{run: Spawned; code: number}> {
  const holder: {run?: Spawned} = {}
  await holdingServer(() => setTimeout(() => holder.run?.child.kill('SIGINT'), 100))
  // In place: the write the model made before Ctrl-C is in the workspace, whole (with a copy, it would go with the copy).
  const run = spawnCli(sb, ['task', '--in-place', '--workspace', workspace, ...args, 'write the release notes to notes.txt'], {env: {DEEPSEEK_API_KEY: KEY}})
  holder.run = run
  const r = await run.done
  return {run, code: r.code}
}

describe('Ctrl-C during an attempt', () => {
  it('--json: exit 130, the attempt cancelled with its tokens so far, task log and spend written, nothing half-written', async () => {
    const {run, code} = await interruptMidAttempt(['--json'])
    expect(code, run.stderr()).toBe(130)
    const t = JSON.parse(run.stdout()) as {
      id: string
      status: string
      attempts: Array<{model: string; cancelled: boolean; usage: {input_tokens: number; output_tokens: number}; error: {code: string} | null}>
      cto: {calls: number; usage: {input_tokens: number}}
    }
    expect(t.status).toBe('cancelled')
    expect(t.attempts).toHaveLength(1)
    expect(t.attempts[0]).toMatchObject({model: 'deepseek', cancelled: true, usage: {input_tokens: 200, output_tokens: 30}, error: {code: 'cancelled'}})
    expect(t.cto.calls).toBe(1)

    // The task log holds the task and its result, as cto logs will read them.
    const log = (await readFile(join(sb.dataHome, 'cto', 'logs', 'tasks.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as {task_id: string; event: string; status?: string})
    expect(log.filter((l) => l.task_id === t.id).map((l) => l.event)).toEqual(expect.arrayContaining(['task', 'classification', 'route', 'result']))
    expect(log.find((l) => l.event === 'result')?.status).toBe('cancelled')
    // Not a performance record (the user stopped it, the model didn't fail), but the tokens count against the budget.
    const files = await jsonlFiles(join(sb.dataHome, 'cto'))
    expect([...files.keys()].filter((f) => f.includes(`${join('cto', 'perf')}/`))).toEqual([])
    const spend = [...files.entries()].find(([f]) => f.includes(`${join('cto', 'spend')}/`))?.[1] as Array<{kind: string; input_tokens: number; output_tokens: number}>
    expect(spend.map((s) => [s.kind, s.input_tokens + s.output_tokens])).toEqual([['cto', 120], ['cancelled', 230]])
    // Every file is whole: the one the tool wrote, and no temp files left anywhere.
    expect(await readFile(join(workspace, 'notes.txt'), 'utf8')).toBe('first draft\n')
    const all = [...(await filesUnder(sb.dataHome)), ...(await filesUnder(workspace))]
    expect(all.filter((f) => /\.tmp|\.\d+$|~$/.test(f))).toEqual([])
    expect(server?.requests.filter(isClassification)).toHaveLength(1)
  })

  it('without --json: exit 130 too (it was 127), and the summary says so', async () => {
    const {run, code} = await interruptMidAttempt([])
    expect(code, run.stderr()).toBe(130)
    expect(run.stderr()).toContain('Ctrl-C: stopping the running call')
    expect(run.stdout()).toMatch(/Attempt 1\s+deepseek .* cancelled \(interrupted\)/)
    expect(run.stdout()).toMatch(/Result\s+cancelled/)
  })

  it('during the classification: exit 130 at once, no attempt, and the summary says no worker ran (it said "the attempt so far is in the task log")', async () => {
    const holder: {run?: Spawned} = {}
    server = await startOpenAIServer({
      handler: (r) => {
        if (isCto(r)) {
          setTimeout(() => holder.run?.child.kill('SIGINT'), 100)
          return {delayMs: 60_000, content: 'too late'}
        }
        return {content: 'a worker should not be asked'}
      },
    })
    await sb.writeUserConfig({
      worker_models: {claude: {haiku: {enabled: false}, sonnet: {enabled: false}, opus: {enabled: false}}},
      provider_endpoints: {deepseek: {api_url: server.baseURL}},
      engines: {max_retries: 0},
    })
    const started = Date.now()
    holder.run = spawnCli(sb, ['task', '--workspace', workspace, 'summarise the release notes'], {env: {DEEPSEEK_API_KEY: KEY}})
    const r = await holder.run.done
    expect(r.code, r.stderr).toBe(130)
    expect(Date.now() - started).toBeLessThan(30_000)
    expect(r.stdout).toMatch(/Result\s+cancelled \(interrupted before any worker ran\)/)
    expect(r.stdout).not.toContain('the attempt so far')
    expect(server.requests.filter((q) => !isCto(q))).toEqual([])
    const files = await jsonlFiles(join(sb.dataHome, 'cto'))
    expect([...files.keys()].filter((f) => f.includes(`${join('cto', 'perf')}/`))).toEqual([])
  })

  it('a worker cut off before it answered: no "0 tokens spent" (a provider reports tokens when its answer ends), in cto task and cto run', async () => {
    const holder: {run?: Spawned} = {}
    server = await startOpenAIServer({
      handler: (r) => {
        if (isCto(r)) return jsonReply({complexity: 'simple', type: 'research', model: 'deepseek', reason: 'small'})
        setTimeout(() => holder.run?.child.kill('SIGINT'), 100)
        return {delayMs: 60_000, content: 'too late'}
      },
    })
    await sb.writeUserConfig({
      worker_models: {claude: {haiku: {enabled: false}, sonnet: {enabled: false}, opus: {enabled: false}}},
      provider_endpoints: {deepseek: {api_url: server.baseURL}},
      engines: {max_retries: 0},
    })
    holder.run = spawnCli(sb, ['task', '--workspace', workspace, 'summarise the release notes'], {env: {DEEPSEEK_API_KEY: KEY}})
    const task = await holder.run.done
    expect(task.code, task.stderr).toBe(130)
    expect(task.stdout).toMatch(/Attempt 1\s+deepseek .* cancelled \(interrupted\) before the provider reported any tokens/)
    holder.run = spawnCli(sb, ['run', '-m', 'deepseek', 'summarise the release notes'], {env: {DEEPSEEK_API_KEY: KEY}})
    const run = await holder.run.done
    expect(run.code, run.stderr).toBe(130)
    // It was "Interrupted: deepseek was stopped (0 tokens spent so far)."
    expect(run.stderr).toContain('Error: Interrupted: deepseek was stopped (before the provider reported any tokens).')
  })
})

