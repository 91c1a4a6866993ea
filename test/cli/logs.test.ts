/**
 * `cto logs`, and the whole path a new user takes: pipe a 5 MB task in, interrupt it, read it back.
 */
import {spawn} from 'node:child_process'
import {mkdir} from 'node:fs/promises'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {BIN, makeSandbox, type CliResult, type Sandbox} from '../support/run-cli.js'
import {startOpenAIServer, type OpenAIServer} from '../support/openai-server.js'
import {isCto, isReview, jsonReply, KEY} from '../task/task-helpers.js'

interface LogsJson {
  log: string
  tasks: Array<{id: string; task: string; status: string; model: string | null; cost_usd: number; duration_ms: number | null; answer: string; usage: {input_tokens: number; output_tokens: number}; attempts: Array<{model: string; cancelled?: boolean}>; events: Array<{event: string}>}>
}

let sb: Sandbox
let server: OpenAIServer | undefined
beforeEach(async () => {
  sb = await makeSandbox()
  await mkdir(join(sb.home, 'work'))
})
afterEach(async () => {
  await server?.close()
  server = undefined
  await sb.cleanup()
})

async function configure(): Promise<NodeJS.ProcessEnv> {
  await sb.writeUserConfig({
    worker_models: {claude: {haiku: {enabled: false}, sonnet: {enabled: false}, opus: {enabled: false}}},
    provider_endpoints: {deepseek: {api_url: server?.baseURL}},
    engines: {max_retries: 0},
  })
  return {DEEPSEEK_API_KEY: KEY}
}

describe('cto logs', () => {
  it('pipe a 5 MB task, interrupt it, read it back', async () => {
    let child: ReturnType<typeof spawn> | undefined
    server = await startOpenAIServer({
      handler: (r) => {
        if (isCto(r)) return jsonReply({complexity: 'complex', type: 'analysis', model: 'deepseek', reason: 'long'})
        setTimeout(() => child?.kill('SIGINT'), 100)
        return {delayMs: 60_000, content: 'never'}
      },
    })
    const env = await configure()
    const task = `Summarise this log:\n${'2026-11-26 12:00:00 worker ok — ünïcode\n'.repeat(5 * 26_000)}`
    expect(Buffer.byteLength(task)).toBeGreaterThan(5 * 1024 * 1024)
    const run: CliResult = await new Promise((resolve) => {
      const c = spawn(process.execPath, [BIN, 'task', '-', '--workspace', join(sb.home, 'work')], {cwd: sb.home, env: {...sb.env, ...env}})
      child = c
      let stdout = ''
      let stderr = ''
      c.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
      c.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
      c.stdin.on('error', () => {})
      c.stdin.end(task)
      c.on('close', (code) => resolve({code: code ?? -1, stdout, stderr}))
    })
    expect(run.code, run.stderr).toBe(130)

    const logs = await sb.json<LogsJson>(['logs', '-n', '1'])
    expect(logs.tasks).toHaveLength(1)
    const t = logs.tasks[0]
    expect(t.task).toBe(task.trim())
    expect(t).toMatchObject({status: 'cancelled', model: 'deepseek', attempts: [expect.objectContaining({model: 'deepseek', cancelled: true})]})
    expect(t.usage.input_tokens).toBe(100)
    expect(t.cost_usd).toBeGreaterThan(0)
    expect(t.duration_ms).toBeGreaterThan(0)
    const human = await sb.run(['logs', '-n', '1', '--truncate', '60'])
    expect(human.code, human.stderr).toBe(0)
    expect(human.stdout).toMatch(new RegExp(`^# \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d  ${t.id}  cancelled`))
    expect(human.stdout).toMatch(/Model: deepseek · analysis, complex · 120 tokens · \$[\d.]+ · \d+\.\ds/)
    expect(human.stdout).toContain('Attempts: deepseek cancelled')
    expect(human.stdout).toContain('## Task\n\nSummarise this log:')
    expect(human.stdout).toMatch(/more characters\]/)
  })

  it('the last tasks with -n, one with --task (an id prefix), each with model, status, cost, time and answer', async () => {
    server = await startOpenAIServer({
      handler: (r) => {
        if (isReview(r)) return jsonReply({approved: true, quality: 9, feedback: 'fine'})
        if (isCto(r)) return jsonReply({complexity: 'simple', type: 'research', model: 'deepseek', reason: 'x'})
        // The task is the first paragraph of the worker's prompt (a note about its copy of the project follows).
        const q = String(r.body.messages.at(-1)?.content).split('\n\n')[0]
        return {content: `Answer to: ${q}`}
      },
    })
    const env = await configure()
    for (const q of ['first question?', 'second question?', 'third question?']) expect((await sb.run(['task', q], {env, cwd: join(sb.home, 'work')})).code).toBe(0)
    const two = await sb.json<LogsJson>(['logs', '-n', '2'])
    expect(two.tasks.map((t) => t.task)).toEqual(['second question?', 'third question?'])
    expect(two.tasks[1]).toMatchObject({status: 'completed', model: 'deepseek', answer: 'Answer to: third question?'})
    expect(two.tasks[1].events.map((e) => e.event)).toEqual(expect.arrayContaining(['task', 'classification', 'route', 'result']))
    const one = await sb.json<LogsJson>(['logs', '--task', two.tasks[0].id.slice(0, 8)])
    expect(one.tasks.map((t) => t.task)).toEqual(['second question?'])
    const human = await sb.run(['logs'])
    expect(human.stdout.match(/^# /gm)).toHaveLength(3)
    expect(human.stdout).toContain('## Answer\n\nAnswer to: first question?')
    const missing = await sb.run(['logs', '--task', 'nope', '--json'])
    expect(missing.code).toBe(1)
    expect(JSON.parse(missing.stdout).error.code).toBe('NO_SUCH_TASK')
  })

  it('says so when nothing is logged yet', async () => {
    const r = await sb.run(['logs'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('No tasks logged yet')
    expect((await sb.json<LogsJson>(['logs'])).tasks).toEqual([])
  })
})
