/**
 * Scripts: every error is one small JSON document under --json, and the exit code is the same with
 * and without it (0 done, 1 error, 2 blocked, 64 usage, 130 interrupted). Every command the CLI
 * has (its own and its plugins') is tried with an unknown flag.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {type CliResult, type Sandbox} from '../support/run-cli.js'
import {loadCtoConfig, makeInProcessSandbox} from '../support/run-cli-in-process.js'

let sb: Sandbox
beforeAll(async () => {
  sb = await makeInProcessSandbox()
})
afterAll(async () => {
  await sb.cleanup()
})

function expectErrorDocument(r: CliResult, code?: string): {code: string; message: string; actions: string[]} {
  expect(r.stdout.length, r.stdout).toBeLessThan(1024)
  const doc = JSON.parse(r.stdout) as {error: {code: string; message: string; actions: string[]}}
  expect(Object.keys(doc)).toEqual(['error'])
  expect(Object.keys(doc.error).sort()).toEqual(['actions', 'code', 'message'])
  expect(typeof doc.error.message).toBe('string')
  expect(doc.error.message).not.toContain("\u001B[")
  expect(Array.isArray(doc.error.actions)).toBe(true)
  if (code) expect(doc.error.code).toBe(code)
  return doc.error
}

async function inBatches<T, R>(items: T[], size: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = []
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(fn))))
  return out
}

describe('errors for scripts', () => {
  it('every command answers an unknown flag with exit 64 and, under --json, one small error document', async () => {
    const config = await loadCtoConfig()
    // `cto tools hook` speaks Claude Code's hook protocol instead: exit 2 blocks the tool call, and anything unexpected must block.
    const ids = config.commands.filter((c) => !c.hidden && c.id !== 'tools:hook').map((c) => c.id)
    expect(ids).toEqual(expect.arrayContaining(['task', 'run', 'perf', 'config:show', 'plugins', 'plugins:install', 'autocomplete', 'help']))
    const results = await inBatches(ids, 3, async (id) => {
      const argv = [...id.split(':'), '--no-such-flag-xyz']
      return {id, human: await sb.run(argv), json: await sb.run([...argv, '--json'])}
    })
    for (const {id, human, json} of results) {
      expect(human.code, `cto ${id} --no-such-flag-xyz: ${human.stderr}`).toBe(64)
      expect(json.code, `cto ${id} --no-such-flag-xyz --json`).toBe(64)
      expectErrorDocument(json, 'UNKNOWN_FLAG')
    }
  })

  it('a value outside a flag\'s options: 64 both ways (it was 2 without --json, 1 with, and 127 KB of oclif internals)', async () => {
    const human = await sb.run(['perf', '--type', 'foo'])
    const json = await sb.run(['perf', '--type', 'foo', '--json'])
    expect([human.code, json.code]).toEqual([64, 64])
    expect(human.stderr).toContain('Expected --type=foo to be one of')
    const e = expectErrorDocument(json, 'INVALID_FLAG_VALUE')
    expect(e.actions).toEqual(['See "cto perf --help" for its arguments, flags and examples.'])
  })

  it('an unknown command suggests the one meant', async () => {
    const human = await sb.run(['modles'])
    expect(human.code).toBe(64)
    expect(human.stderr).toContain('"cto modles" is not a cto command. Did you mean "cto models"?')
    const sub = await sb.run(['modles', 'list', '--json'])
    expect(sub.code).toBe(64)
    expect(expectErrorDocument(sub, 'UNKNOWN_COMMAND').message).toContain('Did you mean "cto models list"?')
    const typo = await sb.run(['models', 'lsit'])
    expect(typo.stderr).toContain('Did you mean "cto models list"?')
    // Nothing close, but "keys" is a topic: its commands are named.
    const show = await sb.run(['keys', 'show', 'deepseek', '--json'])
    expect(show.code).toBe(64)
    const doc = expectErrorDocument(show, 'UNKNOWN_COMMAND')
    expect(doc.message).toBe('"cto keys show deepseek" is not a cto command.')
    expect(doc.actions).toEqual(['"cto keys" has: cto keys list, cto keys set.', 'See them with "cto keys --help".'])
  })

  it('an unknown flag suggests the one meant', async () => {
    const r = await sb.run(['perf', '--modle', 'deepseek', '--json'])
    expect(r.code).toBe(64)
    expect(expectErrorDocument(r, 'UNKNOWN_FLAG').message).toBe('Nonexistent flag: --modle. Did you mean --model?')
  })

  it("cto's own errors keep their code and exit code under --json", async () => {
    const usage = await sb.run(['models', 'show', 'deepseak'])
    const usageJson = await sb.run(['models', 'show', 'deepseak', '--json'])
    expect([usage.code, usageJson.code]).toEqual([64, 64])
    expect(expectErrorDocument(usageJson, 'NO_SUCH_MODEL').message).toBe('Unknown model "deepseak". Did you mean "deepseek"?')
    const runtime = await sb.run(['run', '-m', 'kimi', 'hello'])
    const runtimeJson = await sb.run(['run', '-m', 'kimi', 'hello', '--json'])
    expect([runtime.code, runtimeJson.code]).toEqual([1, 1])
    expect(runtime.stderr).toContain('No key for kimi: run "cto keys set kimi" or set MOONSHOT_API_KEY.')
    expectErrorDocument(runtimeJson, 'NEEDS_KEY')
  })
})
