/**
 * The in-process runner (test/support/run-cli-in-process.ts) answers as the built CLI does: for the
 * same command in the same kind of sandbox, the same exit code, stdout and stderr (paths of the two
 * sandboxes and Node's pid aside). Successes, usage errors (64) with and without --json, cto's own
 * errors (1), an oclif plugin's command, an unknown command, help, the hook's exit 2, stdin, and a
 * Node warning printed on stderr. If this fails, `npm test` no longer shows what users see.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {mkdir} from 'node:fs/promises'
import {join} from 'node:path'
import {makeSandbox, type CliResult, type Sandbox} from '../support/run-cli.js'
import {makeInProcessSandbox} from '../support/run-cli-in-process.js'

let spawned: Sandbox
let inProcess: Sandbox
beforeAll(async () => {
  spawned = await makeSandbox()
  inProcess = await makeInProcessSandbox()
})
afterAll(async () => {
  await spawned.cleanup()
  await inProcess.cleanup()
})

const CASES: Array<{args: string[]; input?: string}> = [
  {args: ['models', 'list']},
  {args: ['models', 'list', '--json']},
  {args: ['models', 'list', '--no-such-flag']},
  {args: ['models', 'list', '--no-such-flag', '--json']},
  {args: ['models', 'show', 'deepseak']},
  {args: ['models', 'show', 'deepseak', '--json']},
  {args: ['run', '-m', 'kimi', 'hello']},
  {args: ['run', '-m', 'kimi', 'hello', '--json']},
  {args: ['perf', '--type', 'foo']},
  {args: ['modles']},
  {args: ['modles', 'list', '--json']},
  {args: ['plugins', '--json', '--nope']},
  {args: ['config', 'show', '--json']},
  {args: ['help', 'models']},
  {args: ['--version']},
  {args: ['task', '--dry-run', '--json', '-'], input: 'summarise the changelog\n'},
  {args: ['task', '--dry-run'], input: ''},
  {args: ['tools', 'hook'], input: JSON.stringify({tool_name: 'Bash', tool_input: {command: 'rm -rf ~'}, cwd: '/tmp'})},
  {args: ['tools', 'hook'], input: 'not json'},
]

function normal(r: CliResult, sb: Sandbox): CliResult {
  const clean = (s: string) =>
    s
      .replaceAll(sb.home, '<home>')
      .replace(/\(node:\d+\)/g, '(node:<pid>)')
      // A task's id and how long it took differ from run to run.
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>')
      .replace(/"duration_ms": \d+/g, '"duration_ms": <n>')
  return {code: r.code, stdout: clean(r.stdout), stderr: clean(r.stderr)}
}

describe('the in-process runner', () => {
  it.each(CASES.map((c) => [c.args.join(' ') + (c.input === undefined ? '' : ' < input'), c] as const))('cto %s: the same exit code, stdout and stderr as bin/run.js', async (_name, c) => {
    const want = normal(await spawned.run(c.args, {input: c.input}), spawned)
    const got = normal(await inProcess.run(c.args, {input: c.input}), inProcess)
    expect(got).toEqual(want)
  })

  it('an unparsable user config, from a project folder: the same error', async () => {
    for (const sb of [spawned, inProcess]) {
      await sb.writeUserConfig('{"cto_model": ')
      await mkdir(join(sb.home, 'app'))
    }
    const want = normal(await spawned.run(['config', 'show'], {cwd: join(spawned.home, 'app')}), spawned)
    const got = normal(await inProcess.run(['config', 'show'], {cwd: join(inProcess.home, 'app')}), inProcess)
    expect(want.code).not.toBe(0)
    expect(got).toEqual(want)
  })
})
