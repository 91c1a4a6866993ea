/**
 * What a new user coming from gh, Claude Code, Codex, aider or llm types in their first minutes,
 * and what cto answers: short help and version flags, a missing required flag, no model that can
 * run, the task log after a task that failed.
 */
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
  })

  it('cto run without -m (as llm "hi" would) names the flag, its short form and what it takes, not oclif\'s "The following error occurred"', async () => {
    const human = await sb.run(['run', 'hi'])
    expect(human.code).toBe(64)
    expect(human.stderr).toBe('Error: Missing required flag --model (-m): The model to run (see "cto models list").\n  → See "cto run --help" for its arguments, flags and examples.\n')
    const json = await sb.run(['run', 'hi', '--json'])
    expect(json.code).toBe(64)
    expect(JSON.parse(json.stdout)).toEqual({error: {code: 'INVALID_FLAGS', message: 'Missing required flag --model (-m): The model to run (see "cto models list").', actions: ['See "cto run --help" for its arguments, flags and examples.']}})
  })
})
