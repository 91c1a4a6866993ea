/**
 * Verification and the evidence the reviewer reads: the test command found per ecosystem on real
 * files, run through the real tool worker (exit code, time limit, policy refusal), and the diff
 * capped with a note of what was cut.
 */
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {createToolRunner} from '../../src/core/tools/worker/tool-runner.js'
import {cappedDiff, commandsSection, evidenceText, escalationEvidence} from '../../src/core/task/review-evidence.js'
import {detectTestCommand, runVerification} from '../../src/core/task/verification.js'
import {findTaskDiffs, attemptFiles} from '../../src/core/workspace/task-folder.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cto-verify-'))
})
afterEach(async () => {
  await rm(dir, {recursive: true, force: true})
})

const detect = (from = dir, configured?: string | false | null) => detectTestCommand({root: dir, from, configured})

describe('detectTestCommand', () => {
  it('finds the command of each kind of project', async () => {
    expect(await detect()).toBeUndefined()
    await writeFile(join(dir, 'go.mod'), 'module x\n')
    expect(await detect()).toMatchObject({command: 'go test ./...', source: 'go.mod'})
    await writeFile(join(dir, 'Cargo.toml'), '[package]\n')
    expect(await detect()).toMatchObject({command: 'cargo test', source: 'Cargo.toml'})
    await writeFile(join(dir, 'pyproject.toml'), '[project]\nname = "x"\n')
    expect((await detect())?.source).toBe('Cargo.toml')
    await writeFile(join(dir, 'pyproject.toml'), '[project]\nname = "x"\n\n[tool.pytest.ini_options]\naddopts = "-q"\n')
    expect(await detect()).toMatchObject({command: 'pytest', source: 'pyproject.toml'})
    await writeFile(join(dir, 'Makefile'), 'build:\n\tcc x.c\n')
    expect((await detect())?.source).toBe('pyproject.toml')
    await writeFile(join(dir, 'Makefile'), 'build:\n\tcc x.c\ntest: build\n\t./x --selftest\n')
    expect(await detect()).toMatchObject({command: 'make test', source: 'Makefile'})
    await writeFile(join(dir, 'package.json'), JSON.stringify({scripts: {test: 'echo "Error: no test specified" && exit 1'}}))
    expect((await detect())?.source).toBe('Makefile')
    await writeFile(join(dir, 'package.json'), JSON.stringify({scripts: {test: 'vitest run'}}))
    expect(await detect()).toMatchObject({command: 'npm test', cwd: dir, source: 'package.json'})
    await writeFile(join(dir, 'pnpm-lock.yaml'), '')
    expect((await detect())?.command).toBe('pnpm test')
  })

  it('looks from the workspace up to the project root, and review.verify wins (false: none)', async () => {
    await mkdir(join(dir, 'packages', 'a'), {recursive: true})
    await writeFile(join(dir, 'package.json'), JSON.stringify({scripts: {test: 'node --test'}}))
    expect(await detect(join(dir, 'packages', 'a'))).toMatchObject({command: 'npm test', cwd: dir})
    await writeFile(join(dir, 'packages', 'a', 'Cargo.toml'), '')
    expect(await detect(join(dir, 'packages', 'a'))).toMatchObject({command: 'cargo test', cwd: join(dir, 'packages', 'a')})
    expect(await detect(dir, 'make check')).toMatchObject({command: 'make check', cwd: dir, source: 'review.verify'})
    expect(await detect(dir, false)).toBeUndefined()
  })
})

describe('runVerification through the tool worker', () => {
  const runner = (policy = {}) => createToolRunner({model: 'cto-verify', workspace: dir, policy, env: {...process.env, HOME: dir}})

  it('reports a pass, a failure with its output, and a time limit', async () => {
    const pass = await runVerification({test: {command: 'echo all good', cwd: dir, source: 'review.verify'}, runner: runner(), timeoutSeconds: 10})
    expect(pass).toMatchObject({ran: true, exit_code: 0, passed: true, timed_out: false})
    expect(pass.ran && pass.output).toContain('all good')
    const fail = await runVerification({test: {command: 'echo "1 test failed" >&2; exit 3', cwd: dir, source: 'review.verify'}, runner: runner(), timeoutSeconds: 10})
    expect(fail).toMatchObject({ran: true, exit_code: 3, passed: false})
    expect(fail.ran && fail.output).toContain('1 test failed')
    const slow = await runVerification({test: {command: 'sleep 30', cwd: dir, source: 'review.verify'}, runner: runner(), timeoutSeconds: 1})
    expect(slow).toMatchObject({ran: true, passed: false, timed_out: true, exit_code: null})
    expect(slow.ran && slow.duration_ms).toBeLessThan(15_000)
  })

  it('does not run what the command policy refuses, and says so', async () => {
    const refused = await runVerification({test: {command: 'rm -rf ~', cwd: dir, source: 'review.verify'}, runner: runner(), timeoutSeconds: 10})
    expect(refused).toMatchObject({ran: false, command: 'rm -rf ~', reason: expect.stringMatching(/refused/)})
  })
})

describe('review evidence', () => {
  const file = (path: string) => ({path, status: 'modified' as const, added: 1, removed: 1})
  it('caps a long diff at a file boundary and names the files left out', () => {
    const one = `diff --git a/a.txt b/a.txt\n${'+x\n'.repeat(100)}`
    const two = `diff --git a/b.txt b/b.txt\n${'+y\n'.repeat(5000)}`
    const out = cappedDiff(one + two, [file('a.txt'), file('b.txt')], 500)
    expect(out).toContain('diff --git a/a.txt')
    expect(out).not.toContain('diff --git a/b.txt')
    expect(out).toMatch(/\[diff cut: [\d,]+ more characters not shown; files not shown: b\.txt\]/)
    expect(cappedDiff(one, [file('a.txt')], 2000)).not.toContain('diff cut')
  })

  it('lists commands with exit codes, shows in-place attempts as such, and gives the next worker a short form', () => {
    const calls = [
      {name: 'read_file', ok: true},
      {name: 'run_command', ok: true, run: {command: 'npm test', exit_code: 1, output_tail: 'not ok 1'}},
      {name: 'run_command', ok: false, run: {command: 'rm -rf /', exit_code: null, output_tail: 'refused: dangerous'}},
    ]
    expect(commandsSection(calls)).toBe('Commands the worker ran (2):\n$ npm test  → exit 1\n    not ok 1\n$ rm -rf /  → did not finish (refused or killed)\n    refused: dangerous')
    expect(evidenceText({placement: 'in-place', change: null, verification: null}, [])).toMatch(/in place\): no diff and no verification/)
    const short = escalationEvidence({
      placement: 'copy',
      change: {files: [file('a.txt')], added: 1, removed: 1, text: 'diff --git a/a.txt b/a.txt\n-old\n+new\n', dropped: []},
      verification: {ran: true, command: 'npm test', cwd: '/x', source: 'package.json', exit_code: 1, passed: false, timed_out: false, duration_ms: 1200, output: 'lots\nof\noutput\nnot ok 1 - adds'},
    })
    expect(short).toContain('+new')
    expect(short).toContain('`npm test` (package.json) FAILED: exit code 1 after 1.2 s')
    expect(short).toContain('not ok 1 - adds')
  })
})

describe('findTaskDiffs', () => {
  it('finds a task by a unique prefix of its id, with each attempt’s kept files', async () => {
    const env = {CTO_DATA_DIR: dir}
    const id = '0123abcd-0000-4000-8000-000000000000'
    const taskDir = join(dir, 'tasks', id)
    const a1 = attemptFiles(taskDir, 0)
    await mkdir(a1.dir, {recursive: true})
    await writeFile(a1.patch, 'diff --git a/x b/x\n')
    await writeFile(a1.meta, JSON.stringify({task_id: id, attempt: 1, model: 'deepseek', approved: false, applied: null, files: [{path: 'x', status: 'modified', added: 1, removed: 0}], lines_added: 1, lines_removed: 0, dropped: [], verification: null}))
    await mkdir(join(dir, 'tasks', '0999ffff-0000-4000-8000-000000000000'), {recursive: true})
    const found = await findTaskDiffs('0123', env)
    expect(found).toMatchObject({task_id: id, folder: taskDir, attempts: [{attempt: 1, model: 'deepseek', patch: a1.patch, diff: null, verify_log: null}]})
    await expect(findTaskDiffs('0', env)).rejects.toMatchObject({code: 'AMBIGUOUS_TASK'})
    await expect(findTaskDiffs('nope', env)).rejects.toMatchObject({code: 'NO_SUCH_TASK', message: expect.stringContaining('nope')})
  })
})
