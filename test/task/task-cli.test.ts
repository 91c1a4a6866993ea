/**
 * `cto task` end to end through the built CLI: the CTO and the workers are OpenAI-compatible models
 * served by the test server on 127.0.0.1 (the real openai SDK talks to it), the store and the task
 * log live in the sandbox's data dir.
 */
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {mkdir, readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {type Sandbox} from '../support/run-cli.js'
import {makeInProcessSandbox} from '../support/run-cli-in-process.js'
import {startOpenAIServer, type ChatRequest, type OpenAIReply, type OpenAIServer} from '../support/openai-server.js'

interface TaskJson {
  id: string
  task: string
  status: 'completed' | 'blocked' | 'planned'
  classification: {complexity: string; type: string; model: string; reason: string; source: 'cto' | 'heuristic' | 'flags'}
  route: {cto_choice: string; selected: string; override_reason: string | null; candidates: Array<{model: string; predicted_success: number; cost_usd: number}>; plan: {steps: string[]; expected_accuracy: number; evidence: {first: number; after: number}} | null; after_failure?: {by: string; chain: string[] | null; escalations: number; needed: number} | null}
  attempts: Array<{model: string; engine: string; ok: boolean; approved: boolean | null; quality: number | null; feedback: string | null; error: {code: string} | null; usage: {input_tokens: number; output_tokens: number}; cost_usd: number; duration_ms: number}>
  output: string
  usage: {input_tokens: number; output_tokens: number}
  cost_usd: number
  duration_ms: number
  notes: string[]
}

const KEY = 'sk-test-task-0123456789abcdef'
let sb: Sandbox
let server: OpenAIServer | undefined
let workspace: string

beforeEach(async () => {
  sb = await makeInProcessSandbox()
  workspace = join(sb.home, 'project')
  await mkdir(workspace, {recursive: true})
})
afterEach(async () => {
  await server?.close()
  server = undefined
  await sb.cleanup()
})

const isCto = (r: ChatRequest) => r.body.messages.some((m) => m.role === 'system' && typeof m.content === 'string' && m.content.startsWith('You are the CTO'))
const isReview = (r: ChatRequest) => r.body.messages.some((m) => typeof m.content === 'string' && m.content.startsWith('You are the CTO reviewing'))
const lastUser = (r: ChatRequest) => [...r.body.messages].reverse().find((m) => m.role === 'user')?.content ?? ''
const json = (v: unknown): OpenAIReply => ({content: JSON.stringify(v), usage: {prompt_tokens: 100, completion_tokens: 20}})

/** Points the external models at the server (all share it; the request's `model` tells them apart) and disables Claude. */
async function configure(extra: Record<string, unknown> = {}, models = ['deepseek', 'minimax', 'gpt-4']): Promise<NodeJS.ProcessEnv> {
  const endpoints = Object.fromEntries(models.map((m) => [m, {api_url: `${server?.baseURL}/chat/completions`, model_id: `${m}-id`}]))
  await sb.writeUserConfig({
    worker_models: {claude: {haiku: {enabled: false}, sonnet: {enabled: false}, opus: {enabled: false}}},
    provider_endpoints: endpoints,
    engines: {max_retries: 0, request_timeout_seconds: 10},
    ...extra,
  })
  return {DEEPSEEK_API_KEY: KEY, MINIMAX_API_KEY: KEY, OPENAI_API_KEY: KEY}
}

async function storeLines(): Promise<Array<Record<string, unknown>>> {
  const {openStore} = await import('../../src/core/store/perf-store.js')
  const store = await openStore({env: sb.env, onWarning: () => {}})
  const lines: Array<Record<string, unknown>> = []
  await store.scan((l) => lines.push(l as unknown as Record<string, unknown>))
  return lines
}

describe('cto task', () => {
  it('classifies, overrides, runs a tool-using worker that edits a real file, gets approved, records', async () => {
    await writeFile(join(workspace, 'greet.txt'), 'hello world\n')
    server = await startOpenAIServer({
      handler: (r) => {
        if (isReview(r)) return json({approved: true, quality: 8, feedback: 'edited as asked'})
        if (isCto(r)) return json({complexity: 'moderate', type: 'coding', model: 'sonnet', reason: 'small edit'})
        if (r.body.messages.some((m) => m.role === 'tool')) return {content: 'Replaced world with cto.', usage: {prompt_tokens: 300, completion_tokens: 10}}
        // A relative path: the worker runs in its own copy of the workspace.
        return {toolCalls: [{name: 'edit_file', arguments: {path: 'greet.txt', old_string: 'world', new_string: 'cto'}}], usage: {prompt_tokens: 200, completion_tokens: 30}}
      },
    })
    const env = await configure()
    const r = await sb.run(['task', '--json', '--seed', '1', '--workspace', workspace, 'change world to cto in greet.txt'], {env: {...env, MINIMAX_API_KEY: '', OPENAI_API_KEY: ''}})
    expect(r.code, r.stderr).toBe(0)
    const t = JSON.parse(r.stdout) as TaskJson
    expect(t.status).toBe('completed')
    expect(t.classification).toMatchObject({complexity: 'moderate', type: 'coding', model: 'sonnet', source: 'cto'})
    expect(t.route).toMatchObject({cto_choice: 'sonnet', selected: 'deepseek'})
    expect(t.route.override_reason).toMatch(/external/)
    expect(t.attempts).toHaveLength(1)
    expect(t.attempts[0]).toMatchObject({model: 'deepseek', engine: 'openai-tools', ok: true, approved: true, quality: 8})
    expect(t.output).toBe('Replaced world with cto.')
    expect(await readFile(join(workspace, 'greet.txt'), 'utf8')).toBe('hello cto\n')
    expect(t.usage.input_tokens).toBeGreaterThan(500)
    const lines = await storeLines()
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatchObject({task_id: t.id, model: 'deepseek', task_type: 'coding', complexity: 'moderate', cto_choice: 'sonnet', approved: true, quality: 8, escalation_step: 0})
    const log = await readFile(join(sb.dataHome, 'cto', 'logs', 'tasks.jsonl'), 'utf8')
    expect(log).toContain(t.id)
    expect(log).not.toContain(KEY)
  })

  it('escalates a rejection with the feedback passed on, and blocks after 3 (exit 2)', async () => {
    server = await startOpenAIServer({
      handler: (r) => {
        if (isReview(r)) return json({approved: false, quality: 3, feedback: `missing the unit tests (${/Worker (\S+) answered/.exec(String(lastUser(r)))?.[1]})`})
        if (isCto(r)) return json({complexity: 'moderate', type: 'analysis', model: 'deepseek', reason: 'x'})
        return {content: `an answer from ${r.body.model}`}
      },
    })
    const env = await configure({fallback_chain: {deepseek: ['minimax', 'gpt-4'], minimax: ['gpt-4']}})
    const r = await sb.run(['task', '--json', 'explain the parser'], {env, cwd: workspace})
    expect(r.code, r.stderr).toBe(2)
    const t = JSON.parse(r.stdout) as TaskJson
    expect(t.status).toBe('blocked')
    expect(t.attempts.map((a) => a.model)).toEqual(['deepseek', 'minimax', 'gpt-4'])
    expect(t.attempts.every((a) => a.approved === false)).toBe(true)
    const workerPrompts = server.requests.filter((x) => !isCto(x)).map((x) => String(lastUser(x)))
    expect(workerPrompts[1]).toContain('missing the unit tests (deepseek)')
    expect(workerPrompts[2]).toContain('missing the unit tests (minimax)')
    const human = await sb.run(['task', 'explain the parser'], {env, cwd: workspace})
    expect(human.code).toBe(2)
    expect(human.stdout).toMatch(/Result\s+blocked/)
    expect((await storeLines()).length).toBe(6)
  })

  it('escalates on HTTP 500 and on a timeout', async () => {
    server = await startOpenAIServer({
      handler: (r) => {
        if (isReview(r)) return json({approved: true, quality: 7, feedback: 'ok'})
        if (isCto(r)) return json({complexity: 'simple', type: 'analysis', model: 'deepseek', reason: 'x'})
        if (r.body.model === 'deepseek-id') return {status: 500, errorMessage: 'upstream exploded'}
        if (r.body.model === 'minimax-id') return {delayMs: 5000, content: 'too late'}
        return {content: 'gpt-4 answered'}
      },
    })
    const env = await configure({fallback_chain: {deepseek: ['minimax', 'gpt-4'], minimax: ['gpt-4']}, engines: {max_retries: 0, request_timeout_seconds: 1}})
    const r = await sb.run(['task', '--json', 'summarise the changelog'], {env, cwd: workspace})
    expect(r.code, r.stderr).toBe(0)
    const t = JSON.parse(r.stdout) as TaskJson
    expect(t.attempts.map((a) => [a.model, a.ok])).toEqual([['deepseek', false], ['minimax', false], ['gpt-4', true]])
    expect(t.attempts[0].error?.code).toMatch(/500|server/i)
    expect(t.attempts[1].error?.code).toMatch(/timeout/i)
    expect(t.output).toBe('gpt-4 answered')
  })

  it('falls back to the heuristic when the CTO answers garbage (retried once)', async () => {
    server = await startOpenAIServer({
      handler: (r) => {
        if (isReview(r)) return json({approved: true, quality: 9, feedback: 'fine'})
        if (isCto(r)) return {content: 'I think this is a coding task, probably.'}
        return {content: 'done'}
      },
    })
    const env = await configure()
    const r = await sb.run(['task', '--json', '--model', 'deepseek', '--no-review', 'write a bash script that prints the date'], {env, cwd: workspace})
    expect(r.code, r.stderr).toBe(0)
    expect((JSON.parse(r.stdout) as TaskJson).classification.source).toBe('flags')
    const before = server.requests.length
    const g = await sb.run(['task', '--json', 'write a bash script that prints the date'], {env, cwd: workspace})
    expect(g.code, g.stderr).toBe(0)
    const t = JSON.parse(g.stdout) as TaskJson
    expect(t.classification.source).toBe('heuristic')
    expect(t.notes.join(' ')).toMatch(/no valid classification JSON.*heuristic/)
    const ctoCalls = server.requests.slice(before).filter((x) => isCto(x) && !isReview(x))
    expect(ctoCalls).toHaveLength(2)
    expect(String(lastUser(ctoCalls[1]))).toContain('could not be used')
  })
})

describe('cto task usage errors', () => {
  it('exit 64 (2 means blocked): no task, a bad --type', async () => {
    const none = await sb.run(['task'])
    expect(none.code).toBe(64)
    expect(none.stderr).toContain('The task is empty (standard input was empty)')
    const bad = await sb.run(['task', '--type', 'poetry', 'write a poem'])
    expect(bad.code).toBe(64)
    expect(bad.stderr).toMatch(/Expected --type=poetry to be one of/)
  })
})

describe('cto task --dry-run', () => {
  it('works with no keys at all: heuristic classification and a route, nothing recorded', async () => {
    const r = await sb.run(['task', '--dry-run', '--json', 'fix the failing test in src/parser.ts'])
    expect(r.code, r.stderr).toBe(0)
    const t = JSON.parse(r.stdout) as TaskJson
    expect(t.status).toBe('planned')
    expect(t.classification).toMatchObject({type: 'coding', source: 'heuristic'})
    expect(['haiku', 'sonnet', 'opus']).toContain(t.route.selected)
    expect(t.attempts).toEqual([])
    expect(Object.keys(t).sort()).toEqual(['attempts', 'blocked_reason', 'classification', 'conflict', 'cost_usd', 'cto', 'duration_ms', 'id', 'notes', 'output', 'route', 'status', 'task', 'task_dir', 'usage'].sort())
    const human = await sb.run(['task', '--dry-run', 'fix the failing test in src/parser.ts'])
    expect(human.code).toBe(0)
    expect(human.stdout).toMatch(/^Classification\s+coding/)
    expect(human.stdout).toMatch(/Dry run\s+no worker ran and nothing went into the performance store; no model was asked\./)
    expect(await storeLines()).toEqual([])
    const verbose = await sb.run(['task', '--dry-run', '--verbose', 'fix the failing test in src/parser.ts'])
    expect(verbose.stderr).toMatch(/\[classification\].*"source": ?"heuristic"/)
    expect(verbose.stderr).toMatch(/\[route\].*"candidates"/)
  })

  it('plans on a fresh machine where nothing can run yet (no key, no claude on PATH), saying what is missing', async () => {
    const r = await sb.run(['task', '--dry-run', '--json', 'fix the failing test in src/parser.ts'], {env: {PATH: '/usr/local/bin:/usr/bin:/bin'}})
    expect(r.code, r.stderr).toBe(0)
    const t = JSON.parse(r.stdout) as TaskJson
    expect(t.status).toBe('planned')
    expect(t.route.selected).toBeTruthy()
    // No CTO could be asked: the route says whose pick it overrode (the progress says "heuristic, no CTO").
    expect(t.route.override_reason).toBe('simple task the local heuristic gave to Claude model haiku: sent to an external model')
    // One reason a clause, the models it stops named together (a fresh machine has eight without a key).
    expect(t.notes.join('\n')).toMatch(/No model can run here yet \(haiku, sonnet, opus can't be used: the Claude Code CLI \("claude"\) is not on PATH; (\S+, )+\S+ have no key.*\): planned as if they could\. To run it on /)
    // Without --dry-run the same machine gets the error, naming the fixes.
    const real = await sb.run(['task', 'fix the failing test in src/parser.ts'], {env: {PATH: '/usr/local/bin:/usr/bin:/bin'}})
    expect(real.code).toBe(1)
    expect(real.stderr).toMatch(/No model can take this coding task/)
    // Said once: the progress line marks the step, the error below says why.
    expect(real.stderr.split('No model can take this').length - 1).toBe(1)
    expect(real.stderr).toMatch(/^✖ Route$/m)
    // The fixes its reasons call for: what would let the router's pick run first; no budget advice
    // (no model is over budget).
    const routed = t.route.selected
    expect(real.stderr).toMatch(new RegExp(`→ To run it on ${routed} \\(the router's pick\\): `))
    expect(real.stderr).toMatch(/cto models enable <model>/)
    expect(real.stderr).not.toMatch(/token_budget_per_day/)
  })

  it('never chooses a model without a key, and --seed makes the choice reproducible', async () => {
    const env = {DEEPSEEK_API_KEY: KEY, MOONSHOT_API_KEY: KEY, ZHIPUAI_API_KEY: KEY}
    const picks = new Set<string>()
    for (let seed = 1; seed <= 12; seed++) {
      const t = await sb.json<TaskJson>(['task', '--dry-run', '--seed', String(seed), '--type', 'research', '--complexity', 'simple', 'find papers on routing'], {env})
      picks.add(t.route.selected)
      expect(t.route.candidates.map((c) => c.model).sort()).toEqual(['glm', 'kimi'])
    }
    expect([...picks].every((p) => p === 'kimi' || p === 'glm')).toBe(true)
    const a = await sb.json<TaskJson>(['task', '--dry-run', '--seed', '42', '--type', 'coding', '--complexity', 'simple', 'rename a variable'], {env: {...env, MINIMAX_API_KEY: KEY, OPENAI_API_KEY: KEY}})
    const b = await sb.json<TaskJson>(['task', '--dry-run', '--seed', '42', '--type', 'coding', '--complexity', 'simple', 'rename a variable'], {env: {...env, MINIMAX_API_KEY: KEY, OPENAI_API_KEY: KEY}})
    expect(a.route).toEqual(b.route)
    expect(a.route.candidates.map((c) => c.model).sort()).toEqual(['deepseek', 'gpt-4', 'minimax'])
    expect(a.route.plan?.steps[0]).toBe(a.route.selected)
    expect(a.route.plan?.steps).toHaveLength(3)
    expect(a.route.plan?.evidence).toEqual({first: 0, after: 0})
    const explain = await sb.run(['task', '--dry-run', '--explain', '--seed', '42', '--type', 'coding', '--complexity', 'simple', 'rename a variable'], {env: {...env, MINIMAX_API_KEY: KEY, OPENAI_API_KEY: KEY}})
    expect(explain.stdout).toMatch(/^Plan \(learned cascade; cost weight 0\.3/)
    // The plan, one blank line, the summary.
    expect(explain.stdout).toMatch(/← chosen\n(.*\n)*\nClassification /)
    expect(explain.stdout).not.toMatch(/\n\n\n/)
    expect(explain.stdout).toMatch(new RegExp(`\\n  ${a.route.selected} → \\S+ → \\S+: expected accuracy \\d+\\.\\d%, expected cost \\$`))
    expect(explain.stdout).toMatch(/evidence: 0 first attempts and 0 attempts after a failure recorded for coding/)
    expect(explain.stdout).toMatch(/Candidates for the first attempt \(predicted success, what trying it is worth to later tasks in expected accuracy, cost per call, attempts as a first try\)/)
    for (const m of ['deepseek', 'gpt-4', 'minimax']) expect(explain.stdout).toMatch(new RegExp(`\\n  ${m}\\s+50\\.0%  learning \\+\\d\\.\\d{3}`))
    expect(explain.stdout).toContain(`${a.route.selected}`)
    expect(explain.stdout).toContain('← chosen')
    // With no escalations recorded, a failure follows the fallback chain, not the plan's later steps: --explain says which decides.
    expect(a.route.after_failure).toEqual({by: 'chain', chain: ['sonnet', 'opus'], escalations: 0, needed: 20})
    expect(explain.stdout).toContain(`\n  after a failure: the fallback chain ${a.route.selected} → sonnet → opus decides instead of the steps above (the expected figures are theirs) until the store has 20 coding attempts after a failure (it has 0)`)
    // No chain for the model: the plan's steps are what happens, and nothing more is said.
    await sb.writeUserConfig({fallback_chain: {[a.route.selected]: [], external: []}})
    const planned = await sb.json<TaskJson>(['task', '--dry-run', '--seed', '42', '--type', 'coding', '--complexity', 'simple', 'rename a variable'], {env: {...env, MINIMAX_API_KEY: KEY, OPENAI_API_KEY: KEY}})
    expect(planned.route.after_failure?.by).toBe('plan')
    const plain = await sb.run(['task', '--dry-run', '--explain', '--seed', '42', '--type', 'coding', '--complexity', 'simple', 'rename a variable'], {env: {...env, MINIMAX_API_KEY: KEY, OPENAI_API_KEY: KEY}})
    expect(plain.stdout).toMatch(/evidence: 0 first attempts/)
    expect(plain.stdout).not.toContain('after a failure: the fallback chain')
  })

  it('sends work to the other group when one is over its daily budget, and refuses when none fits', async () => {
    await sb.writeUserConfig({cost_optimization: {token_budget_per_day: {external: 0}}})
    const t = await sb.json<TaskJson>(['task', '--dry-run', '--type', 'coding', '--complexity', 'simple', 'rename a variable'], {env: {DEEPSEEK_API_KEY: KEY}})
    expect(['haiku', 'sonnet', 'opus']).toContain(t.route.selected)
    await sb.writeUserConfig({cost_optimization: {token_budget_per_day: {external: 0, claude: 0}}})
    const r = await sb.run(['task', '--dry-run', '--type', 'coding', '--complexity', 'simple', 'rename a variable'], {env: {DEEPSEEK_API_KEY: KEY}})
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/over its daily budget/)
  })
})
