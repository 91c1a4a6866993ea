/**
 * What a new user coming from gh, Claude Code, Codex, aider or llm types in their first minutes,
 * and what cto answers: short help and version flags, a missing required flag, no model that can
 * run, the task log after a task that failed.
 */
import {mkdir} from 'node:fs/promises'
import {dirname, join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {type Sandbox} from '../support/run-cli.js'
import {makeInProcessSandbox} from '../support/run-cli-in-process.js'

let sb: Sandbox
beforeEach(async () => {
  sb = await makeInProcessSandbox()
})
afterEach(async () => {
  await sb.cleanup()
})

describe('first use', () => {
  it('-h is help and -v the version, as in gh, claude and codex', async () => {
    const root = await sb.run(['-h'])
    expect(root.code, root.stderr).toBe(0)
    expect(root.stdout).toContain('USAGE')
    expect(root.stdout).toContain('$ cto [COMMAND]')
    const task = await sb.run(['task', '-h'])
    expect(task.code, task.stderr).toBe(0)
    expect(task.stdout).toContain('$ cto task [TASK...]')
    expect(task.stderr).toBe('')
    const version = await sb.run(['-v'])
    expect(version.code, version.stderr).toBe(0)
    expect(version.stdout).toMatch(/^cto-cli\/\d+\.\d+\.\d+ /)
    // `cto version`, as gh, docker and git have it: the same line, and --json for scripts.
    const word = await sb.run(['version'])
    expect(word.code, word.stderr).toBe(0)
    expect(word.stdout).toBe(version.stdout)
    const json = await sb.json<{version: string; user_agent: string; node: string}>(['version', '--json'])
    expect(json.user_agent).toBe(version.stdout.trim())
    expect(json.version).toMatch(/^\d+\.\d+\.\d+$/)
    expect(json.node).toBe(process.version)
  })

  it('cto run without -m (as llm "hi" would) names the flag, its short form and what it takes, not oclif\'s "The following error occurred"', async () => {
    const human = await sb.run(['run', 'hi'])
    expect(human.code).toBe(64)
    expect(human.stderr).toBe('Error: Missing required flag --model (-m): The model to run (see "cto models list").\n  → See "cto run --help" for its arguments, flags and examples.\n')
    const json = await sb.run(['run', 'hi', '--json'])
    expect(json.code).toBe(64)
    expect(JSON.parse(json.stdout)).toEqual({error: {code: 'INVALID_FLAGS', message: 'Missing required flag --model (-m): The model to run (see "cto models list").', actions: ['See "cto run --help" for its arguments, flags and examples.']}})
  })

  it('a task no model could take is logged as failed with the error, not as "planned"', async () => {
    // No key, and no Claude Code (vitest's PATH has node_modules/.bin/claude).
    const env = {PATH: `${dirname(process.execPath)}:/usr/bin:/bin`}
    const cwd = join(sb.home, 'work')
    await mkdir(cwd)
    const task = await sb.run(['task', 'fix the failing test in src/parser.ts'], {env, cwd})
    expect(task.code).toBe(1)
    expect(task.stderr).toContain('Error: No model can take this coding task')
    const logs = await sb.json<{tasks: Array<{task: string; status: string; error: {code: string; message: string} | null}>}>(['logs'], {env})
    expect(logs.tasks).toHaveLength(1)
    expect(logs.tasks[0]).toMatchObject({task: 'fix the failing test in src/parser.ts', status: 'failed', error: {code: 'NO_USABLE_MODEL'}})
    expect(logs.tasks[0].error?.message).toMatch(/^No model can take this coding task: /)
    const human = await sb.run(['logs'], {env})
    expect(human.stdout.split('\n')[0]).toMatch(/^# \d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}[0-9a-f-]{36} {2}failed$/)
    expect(human.stdout).toContain('\nFailed: No model can take this coding task: ')
  })

  it('a file argument that names no file is a usage error (64), not an internal one asking for a bug report', async () => {
    const missing = join(sb.home, 'no-such.csv')
    const human = await sb.run(['bench', 'replay', missing])
    expect(human.code).toBe(64)
    expect(human.stderr).toBe(`Error: No file found at ${missing}\n  → See "cto bench replay --help" for its arguments, flags and examples.\n`)
    const json = await sb.run(['bench', 'replay', missing, '--json'])
    expect(json.code).toBe(64)
    expect(JSON.parse(json.stdout)).toEqual({error: {code: 'USAGE', message: `No file found at ${missing}`, actions: ['See "cto bench replay --help" for its arguments, flags and examples.']}})
  })
})
