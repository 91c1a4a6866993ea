/**
 * A broken setup is not the model's failure: with `claude` missing or an endpoint that refuses
 * connections, the model is shown unusable with the fix, skipped by the router and the CTO's list,
 * and nothing about it goes into the performance store (so `cto perf` and the next classification
 * prompt never see a 0 % it didn't earn).
 */
import {closedPort} from '../support/http-helpers.js'
import {mkdir} from 'node:fs/promises'
import {dirname, join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {type Sandbox} from '../support/run-cli.js'
import {makeInProcessSandbox} from '../support/run-cli-in-process.js'
import {startOpenAIServer, type ChatRequest, type OpenAIServer} from '../support/openai-server.js'
import {setupProblem} from '../../src/core/availability/setup-failure.js'
import {isClassification, isReview, jsonlFiles, jsonReply, KEY, lastUser} from './task-helpers.js'

interface ModelJson {
  name: string
  usable: boolean
  unavailable: {code: string; reason: string; fix: string; since: string | null} | null
}
interface AttemptJson {
  model: string
  ok: boolean
  approved: boolean | null
  unavailable: {code: string} | null
}
interface TaskJson {
  status: string
  attempts: AttemptJson[]
  route: {cto_choice: string; selected: string}
}

let sb: Sandbox
let server: OpenAIServer | undefined
beforeEach(async () => {
  sb = await makeInProcessSandbox()
  await mkdir(join(sb.home, 'work'))
})
afterEach(async () => {
  await server?.close()
  server = undefined
  await sb.cleanup()
})

/** A PATH with node and the system tools but no `claude` (vitest's PATH has node_modules/.bin). */
const NO_CLAUDE_PATH = `${dirname(process.execPath)}:/usr/bin:/bin`
const keys = {DEEPSEEK_API_KEY: KEY, MINIMAX_API_KEY: KEY, OPENAI_API_KEY: KEY}

async function perfModels(env: NodeJS.ProcessEnv): Promise<string[]> {
  const perf = await sb.json<{models: Array<{model: string}>}>(['perf'], {env})
  return perf.models.map((m) => m.model)
}

async function storeModels(): Promise<string[]> {
  const files = await jsonlFiles(join(sb.dataHome, 'cto', 'perf'))
  // A segment line is [seq, record, crc32] (docs/store.md).
  return [...files.values()].flat().map((l) => (l as [number, {model: string}, string])[1].model)
}

const offered = (r: ChatRequest) => [...lastUser(r).matchAll(/^- (\S+) \(/gm)].map((m) => m[1])

describe('availability is not quality', () => {
  it('claude not on PATH: Claude models unusable with the fix, never routed to, nothing in cto perf', async () => {
    server = await startOpenAIServer({
      handler: (r) => {
        if (isReview(r)) return jsonReply({approved: true, quality: 8, feedback: 'fine'})
        if (isClassification(r)) return jsonReply({complexity: 'complex', type: 'analysis', model: 'opus', reason: 'large'})
        return {content: `answer from ${r.body.model}`}
      },
    })
    const endpoint = (m: string) => ({api_url: server?.baseURL, model_id: `${m}-id`})
    await sb.writeUserConfig({provider_endpoints: {deepseek: endpoint('deepseek'), minimax: endpoint('minimax'), 'gpt-4': endpoint('gpt-4')}, engines: {max_retries: 0}})
    const env = {...keys, PATH: NO_CLAUDE_PATH}

    const list = await sb.json<{models: ModelJson[]}>(['models', 'list'], {env})
    for (const name of ['haiku', 'sonnet', 'opus']) {
      const m = list.models.find((x) => x.name === name)
      expect(m, name).toMatchObject({usable: false, unavailable: {code: 'claude_not_found', since: null}})
      expect(m?.unavailable?.fix).toContain('npm install -g @anthropic-ai/claude-code')
    }
    const human = await sb.run(['models', 'list'], {env})
    expect(human.stderr).toContain('haiku, sonnet, opus can\'t be used: the Claude Code CLI ("claude") is not on PATH.')
    const status = await sb.json<{unavailable: Array<{model: string; code: string}>}>(['status'], {env})
    expect(status.unavailable.map((u) => u.model).sort()).toEqual(['haiku', 'opus', 'sonnet'])

    for (let i = 0; i < 2; i++) {
      const r = await sb.run(['task', '--json', '--seed', String(i), '--workspace', join(sb.home, 'work'), 'assess the architecture of the billing system'], {env})
      expect(r.code, r.stderr).toBe(0)
      const t = JSON.parse(r.stdout) as TaskJson
      expect(t.route.cto_choice).toBe('opus')
      expect(['haiku', 'sonnet', 'opus']).not.toContain(t.route.selected)
      expect(t.attempts.map((a) => a.model).filter((m) => ['haiku', 'sonnet', 'opus'].includes(m))).toEqual([])
    }
    // The CTO was never offered a model that can't run.
    for (const r of server.requests.filter(isClassification)) expect(offered(r)).toEqual(expect.not.arrayContaining(['haiku', 'sonnet', 'opus']))
    expect(await storeModels()).toEqual(expect.not.arrayContaining(['haiku', 'sonnet', 'opus']))
    expect(await perfModels(env)).toEqual(expect.not.arrayContaining(['haiku', 'sonnet', 'opus']))
  })

  it('an endpoint that refuses connections: an availability event, the task escalates, the router skips it until the setup changes', async () => {
    server = await startOpenAIServer({
      handler: (r) => {
        if (isReview(r)) return jsonReply({approved: true, quality: 8, feedback: 'fine'})
        if (isClassification(r)) return jsonReply({complexity: 'moderate', type: 'analysis', model: 'minimax', reason: 'cheap'})
        return {content: `answer from ${r.body.model}`}
      },
    })
    const down = `http://127.0.0.1:${await closedPort()}/v1`
    await sb.writeUserConfig({
      worker_models: {claude: {haiku: {enabled: false}, sonnet: {enabled: false}, opus: {enabled: false}}},
      provider_endpoints: {deepseek: {api_url: server.baseURL}, minimax: {api_url: down}, 'gpt-4': {api_url: server.baseURL}},
      fallback_chain: {minimax: ['gpt-4']},
      engines: {max_retries: 0},
    })
    const first = await sb.run(['task', '--json', 'compare the two pricing pages'], {env: keys, cwd: join(sb.home, 'work')})
    expect(first.code, first.stderr).toBe(0)
    const t = JSON.parse(first.stdout) as TaskJson
    expect(t.status).toBe('completed')
    expect(t.attempts.map((a) => a.model)).toEqual(['minimax', 'gpt-4'])
    expect(t.attempts[0].unavailable?.code).toBe('connection_refused')
    expect(t.attempts[1]).toMatchObject({ok: true, approved: true})
    // Only gpt-4's attempt is a performance record.
    expect(await storeModels()).toEqual(['gpt-4'])
    expect(await perfModels(keys)).toEqual(['gpt-4'])
    const events = [...(await jsonlFiles(join(sb.dataHome, 'cto'))).entries()].find(([f]) => f.endsWith('availability.jsonl'))?.[1]
    expect(events).toEqual([expect.objectContaining({model: 'minimax', available: false, code: 'connection_refused'})])

    const list = await sb.json<{models: ModelJson[]}>(['models', 'list'], {env: keys})
    expect(list.models.find((m) => m.name === 'minimax')).toMatchObject({usable: false, unavailable: {code: 'connection_refused', since: expect.any(String)}})
    const human = await sb.run(['models', 'list'], {env: keys})
    expect(human.stderr).toMatch(/minimax can't be used: nothing answers at .* \(connection refused\)/)

    const before = server.requests.length
    const second = await sb.run(['task', '--json', 'compare the two pricing pages again'], {env: keys, cwd: join(sb.home, 'work')})
    expect(second.code, second.stderr).toBe(0)
    expect((JSON.parse(second.stdout) as TaskJson).attempts.map((a) => a.model)).not.toContain('minimax')
    expect(offered(server.requests.slice(before).find(isClassification) as ChatRequest)).not.toContain('minimax')

    // Following the other half of the fix, "start the server": once something answers at that
    // endpoint the model is usable at once, not after the ten minutes the refusal is held for.
    const started = await startOpenAIServer({port: Number(new URL(down).port), handler: () => ({content: 'minimax is up'})})
    try {
      const up = await sb.json<{models: ModelJson[]}>(['models', 'list'], {env: keys})
      expect(up.models.find((m) => m.name === 'minimax')).toMatchObject({usable: true, unavailable: null})
    } finally {
      await started.close()
    }
    const downAgain = await sb.json<{models: ModelJson[]}>(['models', 'list'], {env: keys})
    expect(downAgain.models.find((m) => m.name === 'minimax')).toMatchObject({usable: false, unavailable: {code: 'connection_refused'}})

    // Fixing the endpoint (the fix the message names) makes it usable at once.
    const fix = await sb.run(['config', 'set', 'provider_endpoints.minimax.api_url', server.baseURL], {env: keys})
    expect(fix.code, fix.stderr).toBe(0)
    const after = await sb.json<{models: ModelJson[]}>(['models', 'list'], {env: keys})
    expect(after.models.find((m) => m.name === 'minimax')).toMatchObject({usable: true, unavailable: null})
  })

  it('no model can run and the router\'s pick has a key but its endpoint refused: the fix offered is the endpoint, never "cto keys set"', async () => {
    const down = `http://127.0.0.1:${await closedPort()}/v1`
    await sb.writeUserConfig({provider_endpoints: {deepseek: {api_url: down}}, engines: {max_retries: 0}})
    const env = {PATH: NO_CLAUDE_PATH, DEEPSEEK_API_KEY: KEY}
    const run = await sb.run(['run', '-m', 'deepseek', 'hi'], {env})
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('(connection refused)')
    const cwd = join(sb.home, 'work')
    const task = await sb.run(['task', '--json', 'list the files in this folder'], {env, cwd})
    expect(task.code, task.stderr).toBe(1)
    const error = (JSON.parse(task.stdout) as {error: {code: string; actions: string[]}}).error
    expect(error.code).toBe('NO_USABLE_MODEL')
    expect(error.actions[0]).toBe(`To run it on deepseek (the router's pick): Start the server, or set the endpoint: cto config set provider_endpoints.deepseek.api_url <url>.`)
    expect(error.actions.join('\n')).not.toContain('cto keys set deepseek')
    const plan = await sb.json<{notes: string[]}>(['task', '--dry-run', 'list the files in this folder'], {env, cwd})
    const note = plan.notes.find((n) => n.startsWith('No model can run here yet'))
    expect(note).toMatch(/To run it on deepseek: Start the server, or set the endpoint: cto config set provider_endpoints\.deepseek\.api_url <url>\.$/)
  })

  it('an endpoint that refuses: cto run and cto models show say what happened once and the fix once (no "deepseek failed: deepseek:")', async () => {
    const down = `http://127.0.0.1:${await closedPort()}/v1`
    await sb.writeUserConfig({provider_endpoints: {deepseek: {api_url: down}}, engines: {max_retries: 0}})
    const env = {PATH: NO_CLAUDE_PATH, DEEPSEEK_API_KEY: KEY}
    const fix = 'Start the server, or set the endpoint: cto config set provider_endpoints.deepseek.api_url <url>'
    const run = await sb.run(['run', '-m', 'deepseek', 'hi'], {env})
    expect(run.code).toBe(1)
    expect(run.stderr).toContain(`Error: deepseek failed: nothing answers at ${down} (connection refused).\n  → ${fix}\n`)
    expect(run.stderr.split('Start the server')).toHaveLength(2)
    // Its code under --json is written as every command's error code is.
    const runJson = await sb.run(['run', '-m', 'deepseek', 'hi', '--json'], {env})
    expect(runJson.code).toBe(1)
    expect(JSON.parse(runJson.stdout)).toEqual({error: {code: 'CONNECTION_REFUSED', message: `deepseek failed: nothing answers at ${down} (connection refused).`, actions: [fix]}})
    const show = await sb.run(['models', 'show', 'deepseek'], {env})
    const usable = show.stdout.split('\n').find((l) => l.startsWith('usable'))
    expect(usable).toBe(`usable       no: nothing answers at ${down} (connection refused). ${fix}`)
    const status = await sb.json<{cto_model: {name: string; usable: boolean}}>(['status'], {env})
    expect(status.cto_model).toMatchObject({name: 'deepseek', usable: false})
  })

  it('a local Ollama model (a name with dots) that is not running: the fix it prints is a command that works when pasted', async () => {
    const down = `http://127.0.0.1:${await closedPort()}/v1`
    await sb.writeUserConfig({providers: {ollama: {models: ['qwen2.5-coder:7b'], base_url: down}}, engines: {max_retries: 0}})
    const env = {PATH: NO_CLAUDE_PATH}
    const run = await sb.run(['run', '-m', 'qwen2.5-coder:7b', 'hi'], {env})
    expect(run.code).toBe(1)
    const fix = /→ Start the server, or set the endpoint: (cto config set .*) <url>\n/.exec(run.stderr)?.[1]
    expect(fix, run.stderr).toBe(`cto config set 'provider_endpoints["qwen2.5-coder:7b"].api_url'`)
    // Pasted into a shell: the words the shell would pass (single quotes removed), plus a URL.
    const words = [...fix!.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]).slice(1)
    const up = 'http://127.0.0.1:11434/v1'
    const set = await sb.run([...words, up], {env})
    expect(set.code, set.stderr).toBe(0)
    const shown = await sb.json<{base_url: string}>(['models', 'show', 'qwen2.5-coder:7b'], {env})
    expect(shown.base_url).toBe(up)
  })

  it('a host that is not known (offline, most often): the fix is the network or the endpoint, not "start the server"', () => {
    const problem = setupProblem('deepseek', {code: 'dns_failed', message: 'deepseek: the host of https://api.deepseek.com/v1 is not known (DNS).', retryable: false})
    expect(problem).toEqual({
      code: 'dns_failed',
      reason: 'the host of https://api.deepseek.com/v1 is not known (DNS)',
      fix: 'Check your network connection, or set the endpoint: cto config set provider_endpoints.deepseek.api_url <url>',
    })
  })
})
