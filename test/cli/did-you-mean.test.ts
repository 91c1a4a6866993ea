/**
 * Names typed wrong: every --model value, dates that don't exist. A usage error (64) naming the
 * closest right name, the same with and without --json.
 */
import {existsSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parseSinceStrict} from '../../src/core/cli/since-flag.js'
import {type Sandbox} from '../support/run-cli.js'
import {makeInProcessSandbox} from '../support/run-cli-in-process.js'

let sb: Sandbox
beforeAll(async () => {
  sb = await makeInProcessSandbox()
})
afterAll(async () => {
  await sb.cleanup()
})

describe('--model values', () => {
  it.each([
    [['perf', '--model', 'deepseak']],
    [['task', '--dry-run', '-m', 'deepseak', 'fix the test']],
    [['task', '--dry-run', '--cto', 'deepseak', 'fix the test']],
    [['run', '-m', 'deepseak', 'hello']],
    [['models', 'enable', 'deepseak']],
  ])('cto %j: exit 64, "did you mean deepseek"', async (argv) => {
    const human = await sb.run(argv)
    expect(human.code, human.stderr).toBe(64)
    expect(human.stderr).toContain('Unknown model "deepseak". Did you mean "deepseek"?')
    const json = await sb.run([...argv, '--json'])
    expect(json.code).toBe(64)
    expect(JSON.parse(json.stdout).error).toMatchObject({code: 'NO_SUCH_MODEL', message: 'Unknown model "deepseak". Did you mean "deepseek"?'})
  })

  it('cto perf --model accepts a known model without history (exit 0, "No attempts")', async () => {
    const r = await sb.run(['perf', '--model', 'kimi'])
    expect(r.code, r.stderr).toBe(0)
  })
})

describe('the beginning of a long model name', () => {
  it('cto perf --model qwen, with a local qwen2.5-coder:7b: exit 64, "did you mean qwen2.5-coder:7b" (no name was within two edits of it, so nothing was suggested)', async () => {
    const own = await makeInProcessSandbox()
    try {
      await own.writeUserConfig({providers: {ollama: {models: ['qwen2.5-coder:7b']}}})
      for (const argv of [['perf', '--model', 'qwen'], ['models', 'show', 'qwen'], ['task', '--dry-run', '-m', 'qwen', 'fix the test']]) {
        const human = await own.run(argv)
        expect(human.code, human.stderr).toBe(64)
        expect(human.stderr).toContain('Unknown model "qwen". Did you mean "qwen2.5-coder:7b"?')
      }
      const json = await own.run(['perf', '--model', 'qwen', '--json'])
      expect(JSON.parse(json.stdout).error).toMatchObject({code: 'NO_SUCH_MODEL', message: 'Unknown model "qwen". Did you mean "qwen2.5-coder:7b"?'})
    } finally {
      await own.cleanup()
    }
  })
})

describe('cto keys set NAME', () => {
  it.each([
    ['deepseak', 'deepseek'],
    ['claud', 'claude'],
    ['antropic', 'anthropic'],
    ['haikuu', 'haiku'],
  ])('%s: "Unknown model or provider", the closest of both (%s), exit 64, no key written', async (typed, closest) => {
    const human = await sb.run(['keys', 'set', typed], {input: 'sk-not-a-real-key'})
    expect(human.code, human.stderr).toBe(64)
    expect(human.stderr).toContain(`Error: Unknown model or provider "${typed}". Did you mean "${closest}"?`)
    expect(human.stderr).toContain('Providers: claude, deepseek,')
    expect(human.stderr).not.toContain('sk-not-a-real-key')
    const json = await sb.run(['keys', 'set', typed, '--json'], {input: 'sk-not-a-real-key'})
    expect(JSON.parse(json.stdout).error).toMatchObject({code: 'NO_SUCH_MODEL', message: `Unknown model or provider "${typed}". Did you mean "${closest}"?`})
    expect(existsSync(join(sb.home, 'agents'))).toBe(false)
  })
})

describe('--since', () => {
  it('refuses dates that do not exist, instead of rolling them over (2025-13-45 was read as 2026-02-14)', async () => {
    for (const value of ['2025-13-45', '2025-02-29', '2025-04-31', '2025-01-31T25:00', 'last tuesday']) {
      const r = await sb.run(['perf', '--since', value, '--json'])
      expect(r.code, value).toBe(64)
      expect(JSON.parse(r.stdout).error.code).toBe('BAD_SINCE')
    }
    const human = await sb.run(['perf', '--since', '2025-13-45'])
    expect(human.code).toBe(64)
    expect(human.stderr).toContain('Cannot read --since "2025-13-45": there is no month 13.')
  })

  it('reads durations, dates and ISO times', () => {
    const now = new Date('2025-06-15T12:00:00Z')
    expect(parseSinceStrict('7d', now).toISOString()).toBe('2025-06-08T12:00:00.000Z')
    expect(parseSinceStrict('2024-02-29', now).getDate()).toBe(29)
    expect(parseSinceStrict('2025-01-31T09:30:00Z', now).toISOString()).toBe('2025-01-31T09:30:00.000Z')
    expect(parseSinceStrict('2025-01-31T09:30+02:00', now).toISOString()).toBe('2025-01-31T07:30:00.000Z')
    expect(() => parseSinceStrict('2025-02-30', now)).toThrow(/2025-02 has no day 30/)
  })
})
