/**
 * Isolated attempts end to end, through the built CLI: the CTO and the workers are models served by
 * the OpenAI-compatible test server, the workers act through the real tool worker, the
 * verification is the fixture's real `npm test` (node --test) run through run_command, and the
 * workspace is the fixture project test/task/fixtures/calc (one failing test), in git or not.
 */
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {existsSync} from 'node:fs'
import {cp, mkdir, readFile, writeFile} from 'node:fs/promises'
import {join, resolve} from 'node:path'

import {type Sandbox} from '../support/run-cli.js'
import {makeInProcessSandbox} from '../support/run-cli-in-process.js'
import {startOpenAIServer, toolMessages, type ChatRequest, type OpenAIReply, type OpenAIServer} from '../support/openai-server.js'
import {fingerprint, gitEnv, sh} from './support/git-fixture.js'

const FIXTURE = resolve(import.meta.dirname, 'fixtures', 'calc')
const KEY = 'sk-test-isolated-0123456789abcdef'

interface AttemptJson {
  model: string
  ok: boolean
  approved: boolean | null
  feedback: string | null
  workspace: 'copy' | 'in-place'
  change: {files: Array<{path: string; status: string; added: number | null; removed: number | null}>; files_changed: number; lines_added: number; lines_removed: number; patch: string; diff: string; applied: boolean | null; dropped: string[]} | null
  verification: {ran: boolean; command: string | null; reason: string | null; exit_code: number | null; passed: boolean | null; duration_ms: number; output: string | null} | null
}
interface TaskJson {
  id: string
  status: 'completed' | 'blocked' | 'conflict'
  attempts: AttemptJson[]
  conflict: {attempt: number; reason: string; patch: string} | null
  task_dir: string | null
  notes: string[]
}

let sb: Sandbox
let server: OpenAIServer | undefined
let project: string
let genv: NodeJS.ProcessEnv

beforeEach(async () => {
  sb = await makeInProcessSandbox()
  project = join(sb.home, 'calc')
  await cp(FIXTURE, project, {recursive: true})
  genv = gitEnv(sb.home)
})
afterEach(async () => {
  await server?.close()
  server = undefined
  await sb.cleanup()
})

async function gitInit(): Promise<void> {
  await sh('git init -q -b main && git add -A && git commit -qm "calc with a failing test"', project, genv)
}

const systemOf = (r: ChatRequest) => String(r.body.messages.find((m) => m.role === 'system')?.content ?? '')
const isReview = (r: ChatRequest) => systemOf(r).startsWith('You are the CTO reviewing')
const isClassify = (r: ChatRequest) => systemOf(r).startsWith('You are the CTO of a team')
const firstUser = (r: ChatRequest) => String(r.body.messages.find((m) => m.role === 'user')?.content ?? '')
const turn = (r: ChatRequest) => r.body.messages.filter((m) => m.role === 'assistant').length
const json = (v: unknown): OpenAIReply => ({content: JSON.stringify(v)})

type Worker = (r: ChatRequest, turn: number) => OpenAIReply

/** A server whose CTO classifies as coding and reviews with `review`, and whose workers follow their scripts by model. */
async function serve(workers: Record<string, Worker>, review: (prompt: string) => {approved: boolean; quality: number; feedback: string}): Promise<{reviews: string[]; prompts: Record<string, string[]>}> {
  const reviews: string[] = []
  const prompts: Record<string, string[]> = {}
  server = await startOpenAIServer({
    handler: (r) => {
      if (isReview(r)) {
        const prompt = firstUser(r)
        reviews.push(prompt)
        return json(review(prompt))
      }
      if (isClassify(r)) return json({complexity: 'moderate', type: 'coding', model: 'deepseek', reason: 'a bug fix'})
      const name = r.body.model.replace(/-id$/, '')
      if (turn(r) === 0) (prompts[name] ??= []).push(firstUser(r))
      const worker = workers[name]
      return worker ? worker(r, turn(r)) : {content: `${name} has nothing to do`}
    },
  })
  return {reviews, prompts}
}

async function configure(extra: Record<string, unknown> = {}): Promise<NodeJS.ProcessEnv> {
  const endpoints = Object.fromEntries(['deepseek', 'minimax', 'gpt-4'].map((m) => [m, {api_url: `${server?.baseURL}/chat/completions`, model_id: `${m}-id`}]))
  await sb.writeUserConfig({
    worker_models: {claude: {haiku: {enabled: false}, sonnet: {enabled: false}, opus: {enabled: false}}},
    provider_endpoints: endpoints,
    fallback_chain: {deepseek: ['minimax', 'gpt-4'], minimax: ['gpt-4']},
    engines: {max_retries: 0, request_timeout_seconds: 20},
    ...extra,
  })
  return {DEEPSEEK_API_KEY: KEY, MINIMAX_API_KEY: KEY, OPENAI_API_KEY: KEY}
}

const editAdd = (to: string): Worker => (_r, t) =>
  t === 0 ? {toolCalls: [{name: 'edit_file', arguments: {path: 'src/add.mjs', old_string: 'return a - b', new_string: `return ${to}`}}]} : {content: `Fixed add: it now returns ${to}.`}

/** Approves only when the verification passed. */
const byTests = (prompt: string) =>
  /Verification: .* PASSED/.test(prompt) ? {approved: true, quality: 9, feedback: 'tests pass'} : {approved: false, quality: 2, feedback: 'the tests still fail'}

async function runTask(args: string[], env: NodeJS.ProcessEnv, cwd = project): Promise<{code: number; t: TaskJson; stderr: string}> {
  const r = await sb.run(['task', '--json', ...args], {env, cwd, timeoutMs: 110_000})
  let t: TaskJson
  try {
    t = JSON.parse(r.stdout) as TaskJson
  } catch {
    throw new Error(`no JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`)
  }
  return {code: r.code, t, stderr: r.stderr}
}

describe('cto task in copies, verified by the fixture\'s tests', () => {
  it('a wrong fix fails its tests and is rejected, leaving nothing; the right fix passes, is approved, and is the only change', async () => {
    await gitInit()
    const before = await fingerprint(project, {skip: (p) => p === '.git'})
    const {reviews, prompts} = await serve(
      {
        deepseek: editAdd('a * b'),
        minimax: (r, t) => {
          if (t === 0) return {toolCalls: [{name: 'read_file', arguments: {path: 'src/add.mjs'}}]}
          if (t === 1) return {toolCalls: [{name: 'edit_file', arguments: {path: 'src/add.mjs', old_string: 'return a - b', new_string: 'return a + b'}}]}
          if (t === 2) return {toolCalls: [{name: 'run_command', arguments: {command: 'npm test'}}]}
          return {content: 'add now adds; npm test passes.'}
        },
      },
      byTests,
    )
    const env = await configure()
    const {code, t, stderr} = await runTask(['fix the failing test'], env)
    expect(code, stderr).toBe(0)
    expect(t.status).toBe('completed')
    expect(t.attempts.map((a) => [a.model, a.workspace, a.approved, a.verification?.passed])).toEqual([
      ['deepseek', 'copy', false, false],
      ['minimax', 'copy', true, true],
    ])

    // The first review saw the wrong diff and the failing output.
    expect(reviews[0]).toContain('-  return a - b')
    expect(reviews[0]).toContain('+  return a * b')
    expect(reviews[0]).toMatch(/Files changed \(1, \+1 −1\):\n- src\/add\.mjs \(modified, \+1 −1\)/)
    expect(reviews[0]).toMatch(/Verification: `npm test` \(package\.json\) FAILED: exit code 1/)
    expect(reviews[0]).toMatch(/not ok 1 - add adds/)
    // The second worker heard why, saw the rejected diff, and started from the untouched file.
    expect(prompts.minimax[0]).toContain('the tests still fail')
    expect(prompts.minimax[0]).toContain('+  return a * b')
    expect(prompts.minimax[0]).toMatch(/none of their changes are in your workspace/)
    const minimaxRead = server!.requests.find((r) => r.body.model === 'minimax-id' && turn(r) === 1)!
    expect(toolMessages(minimaxRead)[0].content).toContain('return a - b')
    // The second review saw its passing tests and the command it ran itself, with its exit code.
    expect(reviews[1]).toMatch(/Verification: `npm test` \(package\.json\) PASSED: exit code 0/)
    expect(reviews[1]).toMatch(/\$ npm test {2}→ exit 0/)

    // The user's workspace: exactly the approved change, unstaged.
    expect(await sh('git status --porcelain', project, genv)).toBe(' M src/add.mjs\n')
    expect(await sh('git diff --stat', project, genv)).toMatch(/src\/add\.mjs \| 2 \+-/)
    expect(await readFile(join(project, 'src', 'add.mjs'), 'utf8')).toContain('return a + b')
    const after = await fingerprint(project, {skip: (p) => p === '.git'})
    expect(Object.keys(after).filter((k) => after[k] !== before[k])).toEqual(['src/add.mjs'])

    // Both attempts' diffs and test output are kept in the task's folder, named in --json.
    const [wrong, right] = t.attempts
    expect(t.task_dir).toBe(join(sb.dataHome, 'cto', 'tasks', t.id))
    expect(await readFile(wrong.change!.patch, 'utf8')).toContain('+  return a * b')
    expect(wrong.change).toMatchObject({files_changed: 1, lines_added: 1, lines_removed: 1, applied: null})
    expect(right.change).toMatchObject({files_changed: 1, applied: true})
    expect(await readFile(wrong.verification!.output!, 'utf8')).toMatch(/not ok 1 - add adds/)
    expect(await readFile(right.verification!.output!, 'utf8')).toMatch(/# fail 0/)
    expect(existsSync(join(t.task_dir!, 'attempt-1', 'work'))).toBe(false)

    // Recorded: change and verification per attempt; cto perf shows the pass rate.
    const {openStore} = await import('../../src/core/store/perf-store.js')
    const store = await openStore({env: sb.env, onWarning: () => {}})
    const lines: Array<Record<string, unknown>> = []
    await store.scan((l) => lines.push(l as unknown as Record<string, unknown>))
    expect(lines.map((l) => [l.model, l.files_changed, l.lines_added, l.verify_command, l.verify_exit_code, l.verify_passed])).toEqual([
      ['deepseek', 1, 1, 'npm test', 1, false],
      ['minimax', 1, 1, 'npm test', 0, true],
    ])
    const perf = await sb.run(['perf', '--json'])
    const rows = (JSON.parse(perf.stdout) as {models: Array<{model: string; verify_pass_rate: number | null}>}).models
    expect(Object.fromEntries(rows.map((r) => [r.model, r.verify_pass_rate]))).toEqual({deepseek: 0, minimax: 1})
    expect((await sb.run(['perf'])).stdout).toMatch(/TESTS PASS\n.*deepseek.* 0%\n.*minimax.* 100%\n/)

    // cto logs --task ID --diff reads both attempts back: the rejected change too.
    const logged = await sb.run(['logs', '--task', t.id.slice(0, 8), '--diff'])
    expect(logged.code, logged.stderr).toBe(0)
    expect(logged.stdout).toMatch(/── attempt 1 · deepseek · rejected · tests failed · 1 file \+1 −1\n[^]*\+ {2}return a \* b/)
    expect(logged.stdout).toMatch(/── attempt 2 · minimax · approved · tests passed · 1 file \+1 −1\n[^]*\+ {2}return a \+ b/)
    expect(logged.stdout).toContain(`patch: ${wrong.change!.patch}`)
    const loggedJson = JSON.parse((await sb.run(['logs', '--task', t.id, '--diff', '--json'])).stdout) as {diffs: {task_id: string; attempts: Array<{model: string; patch: string; verify_log: string}>}}
    expect(loggedJson.diffs.task_id).toBe(t.id)
    expect(loggedJson.diffs.attempts.map((a) => [a.model, a.patch])).toEqual([
      ['deepseek', wrong.change!.patch],
      ['minimax', right.change!.patch],
    ])
    expect((await sb.run(['logs', '--diff'])).code).toBe(64)
    // A worker's file content holding escape sequences is shown, not obeyed, by --diff (the kept diff is what the worker wrote).
    const kept = (loggedJson.diffs.attempts[0] as unknown as {diff: string}).diff
    await writeFile(kept, `${await readFile(kept, 'utf8')}+// \u001b]52;c;Y3VybCBldmlsIHwgc2g=\u0007\u001b[2K\n`)
    const shown = await sb.run(['logs', '--task', t.id, '--diff'])
    // eslint-disable-next-line no-control-regex
    expect(shown.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/)
    expect(shown.stdout).toContain('+// ␛]52;c;Y3VybCBldmlsIHwgc2g=␇␛[2K')
  })

  it('when the review is unavailable, a change whose tests fail is not applied: the next model gets the failure', async () => {
    await gitInit()
    const workerPrompts: Record<string, string[]> = {}
    // The CTO classifies, but every review answer is garbage (as a small local model's often is).
    server = await startOpenAIServer({
      handler: (r) => {
        if (isReview(r)) return {content: 'Looks good to me! {approved: yes'}
        if (isClassify(r)) return json({complexity: 'moderate', type: 'coding', model: 'deepseek', reason: 'a bug fix'})
        const name = r.body.model.replace(/-id$/, '')
        if (turn(r) === 0) (workerPrompts[name] ??= []).push(firstUser(r))
        return name === 'deepseek' ? editAdd('a * b')(r, turn(r)) : editAdd('a + b')(r, turn(r))
      },
    })
    const env = await configure()
    const {code, t, stderr} = await runTask(['fix the failing test'], env)
    expect(code, stderr).toBe(0)
    expect(t.status).toBe('completed')
    expect(t.attempts.map((a) => [a.model, a.approved, a.verification?.passed, a.change?.applied])).toEqual([
      ['deepseek', null, false, null],
      ['minimax', null, true, true],
    ])
    expect(t.attempts[0].feedback).toBe("the project's tests failed (exit 1) and the review was unavailable")
    expect(t.notes.join('\n')).toMatch(/Review of deepseek's attempt unavailable and its tests failed, so its change was not applied: .*\./)
    // The next model heard why, and only the passing change reached the folder.
    expect(workerPrompts.minimax[0]).toContain("the project's tests failed (exit 1)")
    expect(await sh('git status --porcelain', project, genv)).toBe(' M src/add.mjs\n')
    expect(await readFile(join(project, 'src', 'add.mjs'), 'utf8')).toContain('return a + b')
    const logged = await sb.run(['logs', '-n', '1'])
    expect(logged.stdout).toContain('Attempts: deepseek not applied (tests failed, not reviewed) → minimax done')
    // What cto perf and the router learn: deepseek failed this coding task, minimax succeeded.
    const perf = JSON.parse((await sb.run(['perf', '--json'])).stdout) as {models: Array<{model: string; success_rate: number}>}
    expect(Object.fromEntries(perf.models.map((r) => [r.model, r.success_rate]))).toEqual({deepseek: 0, minimax: 1})
  })

  it('a blocked task leaves the workspace byte-identical, .git included, and git status clean', async () => {
    await gitInit()
    const before = await fingerprint(project)
    await serve(
      {
        // Every worker makes a mess: edits, a new file, a deleted file, a commit of its own in the copy.
        deepseek: (_r, t) =>
          t === 0
            ? {
                toolCalls: [
                  {name: 'write_file', arguments: {path: 'src/add.mjs', content: 'garbage\n'}},
                  {name: 'write_file', arguments: {path: 'notes.txt', content: 'scratch\n'}},
                  {name: 'run_command', arguments: {command: 'rm README.md && git add -A && git commit -qm wip'}},
                ],
              }
            : {content: 'done'},
        minimax: editAdd('a * b'),
        'gpt-4': editAdd('b - a'),
      },
      byTests,
    )
    const env = await configure()
    const {code, t} = await runTask(['fix the failing test'], env)
    expect(code).toBe(2)
    expect(t.status).toBe('blocked')
    expect(t.attempts.map((a) => [a.model, a.approved, a.change?.files_changed])).toEqual([
      ['deepseek', false, 3],
      ['minimax', false, 1],
      ['gpt-4', false, 1],
    ])
    expect(await fingerprint(project)).toEqual(before)
    expect(await sh('git status --porcelain', project, genv)).toBe('')
    expect(await readFile(t.attempts[0].change!.patch, 'utf8')).toMatch(/deleted file mode 100644\n[^]*README\.md/)
  })

  it("carries the user's uncommitted work in, and neither loses nor commits it", async () => {
    await gitInit()
    // Staged, unstaged and untracked work of the user's own.
    await writeFile(join(project, 'src', 'greet.mjs'), 'export function greet(name) {\n  return `hello ${name}`\n}\n// staged by the user\n')
    await sh('git add src/greet.mjs', project, genv)
    await writeFile(join(project, 'README.md'), '# calc\n\nUnstaged edit by the user.\n')
    await writeFile(join(project, 'TODO.md'), 'untracked note of the user\n')
    const head = await sh('git rev-parse HEAD', project, genv)
    const staged = await sh('git diff --cached', project, genv)
    await serve(
      {
        deepseek: (r, t) => {
          if (t === 0) return {toolCalls: [{name: 'run_command', arguments: {command: 'git status --porcelain && cat TODO.md'}}]}
          return editAdd('a + b')(r, t - 1)
        },
      },
      byTests,
    )
    const env = await configure()
    const {code, t, stderr} = await runTask(['fix the failing test'], env)
    expect(code, stderr).toBe(0)
    expect(t.attempts[0]).toMatchObject({model: 'deepseek', approved: true})
    // In the copy, the worker saw the user's state as the user has it.
    const seen = toolMessages(server!.requests.find((r) => r.body.model === 'deepseek-id' && turn(r) === 1)!)[0].content
    expect(seen).toContain('M  src/greet.mjs')
    expect(seen).toContain(' M README.md')
    expect(seen).toContain('?? TODO.md')
    expect(seen).toContain('untracked note of the user')
    // Only the worker's file is in its change; the user's work is where the user left it.
    expect(t.attempts[0].change!.files.map((f) => f.path)).toEqual(['src/add.mjs'])
    expect((await sh('git status --porcelain', project, genv)).split('\n').filter(Boolean).sort()).toEqual([' M README.md', ' M src/add.mjs', '?? TODO.md', 'M  src/greet.mjs'])
    expect(await sh('git diff --cached', project, genv)).toBe(staged)
    expect(await sh('git rev-parse HEAD', project, genv)).toBe(head)
    expect(await readFile(join(project, 'README.md'), 'utf8')).toBe('# calc\n\nUnstaged edit by the user.\n')
    expect(await readFile(join(project, 'TODO.md'), 'utf8')).toBe('untracked note of the user\n')
  })

  it('stops when the user edits the same file during the task: exit 3, nothing lost, the patch kept', async () => {
    await gitInit()
    const userVersion = 'export function add(a, b) {\n  // the user rewrote this while the task ran\n  return b + a\n}\n'
    await serve(
      {
        deepseek: (r, t) => {
          // While the worker works in its copy, the user changes the same lines in the workspace.
          if (t === 0) void writeFile(join(project, 'src', 'add.mjs'), userVersion)
          return editAdd('a + b')(r, t)
        },
      },
      byTests,
    )
    const env = await configure()
    const {code, t} = await runTask(['fix the failing test'], env)
    expect(code).toBe(3)
    expect(t.status).toBe('conflict')
    expect(t.attempts[0]).toMatchObject({approved: true, change: {applied: false}})
    expect(t.conflict).toMatchObject({attempt: 1, reason: expect.stringMatching(/src\/add\.mjs/), patch: t.attempts[0].change!.patch})
    expect(await readFile(join(project, 'src', 'add.mjs'), 'utf8')).toBe(userVersion)
    expect(await readFile(t.conflict!.patch, 'utf8')).toContain('+  return a + b')
    expect(t.notes.join('\n')).toMatch(/does not apply to your files any more.*git apply/)
    await sh('git checkout -q src/add.mjs', project, genv)
    const human = await sb.run(['task', 'fix the failing test'], {env, cwd: project})
    expect(human.code).toBe(3)
    expect(human.stdout).toMatch(/Result +conflict \(approved, not applied\)/)
    expect(human.stdout).toMatch(/Kept +.*tasks/)
  })
})

describe('cto task in a folder that is not a git repository', () => {
  it('copies it, applies only the approved change, and creates no .git', async () => {
    const before = await fingerprint(project)
    await serve({deepseek: editAdd('a * b'), minimax: editAdd('a + b')}, byTests)
    const env = await configure()
    const {code, t, stderr} = await runTask(['fix the failing test'], env)
    expect(code, stderr).toBe(0)
    expect(t.attempts.map((a) => [a.model, a.workspace, a.verification?.passed, a.approved])).toEqual([
      ['deepseek', 'copy', false, false],
      ['minimax', 'copy', true, true],
    ])
    const after = await fingerprint(project)
    expect(Object.keys(after).filter((k) => after[k] !== before[k])).toEqual(['src/add.mjs'])
    expect(Object.keys(after)).toEqual(Object.keys(before))
    expect(await readFile(join(project, 'src', 'add.mjs'), 'utf8')).toContain('return a + b')
    expect(existsSync(join(project, '.git'))).toBe(false)
  })

  it('refuses to copy the home folder before running any worker, and names the fixes (exit 1)', async () => {
    await serve({deepseek: editAdd('a + b')}, byTests)
    const env = await configure()
    const r = await sb.run(['task', 'fix the failing test'], {env, cwd: sb.home})
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/copy of the project.*your home folder/)
    expect(r.stderr).toMatch(/--workspace/)
    expect(r.stderr).toMatch(/--in-place/)
    expect(server!.requests.filter((x) => !isClassify(x) && !isReview(x))).toEqual([])
  })
})

describe('cto task --in-place and --no-verify', () => {
  it('--in-place: the worker edits the workspace directly, as before; no copy, no verification', async () => {
    await gitInit()
    await serve({deepseek: editAdd('a * b')}, () => ({approved: true, quality: 6, feedback: 'ok'}))
    const env = await configure()
    const {code, t, stderr} = await runTask(['--in-place', 'fix the failing test'], env)
    expect(code, stderr).toBe(0)
    expect(t.attempts[0]).toMatchObject({workspace: 'in-place', change: null, verification: null, approved: true})
    expect(t.task_dir).toBeNull()
    expect(await readFile(join(project, 'src', 'add.mjs'), 'utf8')).toContain('return a * b')
    expect(existsSync(join(sb.dataHome, 'cto', 'tasks'))).toBe(false)
  })

  it('--no-verify: the change is reviewed without running the tests, and the prompt says so', async () => {
    await gitInit()
    const {reviews} = await serve({deepseek: editAdd('a + b')}, () => ({approved: true, quality: 7, feedback: 'looks right'}))
    const env = await configure()
    const {code, t, stderr} = await runTask(['--no-verify', 'fix the failing test'], env)
    expect(code, stderr).toBe(0)
    expect(t.attempts[0].verification).toMatchObject({ran: false, reason: 'skipped (--no-verify)', exit_code: null})
    expect(reviews[0]).toContain('Verification: not run: skipped (--no-verify).')
    expect(reviews[0]).toContain('+  return a + b')
    expect(await readFile(join(project, 'src', 'add.mjs'), 'utf8')).toContain('return a + b')
  })

  it('review.verify names the test command; cto.config.json written in a copy never reaches the workspace', async () => {
    await gitInit()
    await mkdir(join(project, 'checks'))
    await writeFile(join(project, 'checks', 'ok.sh'), 'echo custom-check-ran; exit 0\n')
    await sh('git add -A && git commit -qm checks', project, genv)
    const {reviews} = await serve(
      {
        deepseek: (_r, t) =>
          t === 0
            ? {
                toolCalls: [
                  {name: 'edit_file', arguments: {path: 'src/add.mjs', old_string: 'return a - b', new_string: 'return a + b'}},
                  // Whether the tools refuse it or the copy has it, cto.config.json never reaches the user.
                  {name: 'run_command', arguments: {command: `printf '{"tools": {"workspace": "/"}}' > c.tmp && mv c.tmp cto.config.json`}},
                ],
              }
            : {content: 'done'},
      },
      byTests,
    )
    const env = await configure({review: {verify: 'bash checks/ok.sh'}})
    const {code, t, stderr} = await runTask(['fix the failing test'], env)
    expect(code, stderr).toBe(0)
    expect(reviews[0]).toMatch(/Verification: `bash checks\/ok\.sh` \(review\.verify\) PASSED/)
    expect(reviews[0]).toContain('custom-check-ran')
    expect(t.attempts[0].change).toMatchObject({files_changed: 1, files: [expect.objectContaining({path: 'src/add.mjs'})], applied: true})
    if (t.attempts[0].change!.dropped.length > 0) {
      expect(t.attempts[0].change!.dropped).toEqual(['cto.config.json'])
      expect(reviews[0]).toMatch(/never carried over.*cto\.config\.json/)
    }
    expect(existsSync(join(project, 'cto.config.json'))).toBe(false)
    expect(await sh('git status --porcelain', project, genv)).toBe(' M src/add.mjs\n')
  })
})
