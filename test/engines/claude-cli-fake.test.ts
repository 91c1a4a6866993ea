import {mkdtemp, readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {createClaudeCliEngine, type ClaudeCliEngineOptions} from '../../src/core/engines/claude-cli-engine.js'
import type {EngineRequest} from '../../src/core/engines/types.js'
import {claudeResultJson, writeFakeClaude, type FakeClaudeBehaviour} from '../support/fake-claude.js'
import {testModel} from '../support/test-model.js'

let dir: string
let workspace: string

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cto-fake-claude-'))
  workspace = await mkdtemp(join(tmpdir(), 'cto-claude-ws-'))
})
afterEach(async () => {
  await rm(dir, {recursive: true, force: true})
  await rm(workspace, {recursive: true, force: true})
})

const claudeModel = (overrides = {}) =>
  testModel({
    name: 'sonnet',
    engine: 'claude-cli',
    group: 'claude',
    modelId: 'sonnet',
    baseURL: 'http://127.0.0.1:9/anthropic',
    apiKey: 'sk-ant-test-key-0123456789',
    pricing: {inputPerMTok: 3, outputPerMTok: 15},
    ...overrides,
  })

/** True once `pid` is gone or a zombie (dead, waiting for init to reap it); false after ~5 s. */
async function waitUntilGone(pid: number): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(pid, 0)
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '')
      if (/^\d+ \(.*\) Z/.test(stat)) return true
    } catch {
      return true
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return false
}

async function runFake(behaviour: FakeClaudeBehaviour, options: ClaudeCliEngineOptions = {}, request: Partial<EngineRequest> = {}) {
  const fake = await writeFakeClaude(dir, behaviour)
  const engine = createClaudeCliEngine({outputFormat: 'json', hookCommand: 'cto-hook-test', env: {PATH: `${dir}:${process.env.PATH}`, HOME: dir}, ...options})
  const result = await engine.run({model: claudeModel(), prompt: 'Write hello.txt', workspace, ...request})
  return {result, fake}
}

describe('claude-cli engine with a fake claude', () => {
  it('runs claude from PATH with the flags, the hook settings and the key, and reads the result', async () => {
    const {result, fake} = await runFake({stdout: claudeResultJson()}, {}, {maxTurns: 7, system: 'Be careful.'})
    expect(result).toMatchObject({ok: true, text: 'Done.', turns: 2, cost_usd: 0.0123, duration_ms: expect.any(Number)})
    expect(result.usage).toEqual({input_tokens: 150, output_tokens: 40})
    expect(result.permission_denials).toEqual([])
    const [call] = await fake.invocations()
    expect(call.cwd).toBe(workspace)
    expect(call.argv[0]).toBe('-p')
    expect(call.argv.slice(-2)).toEqual(['--', 'Write hello.txt'])
    const flag = (name: string) => call.argv[call.argv.indexOf(name) + 1]
    expect(flag('--output-format')).toBe('json')
    expect(flag('--model')).toBe('sonnet')
    expect(flag('--permission-mode')).toBe('acceptEdits')
    expect(flag('--max-turns')).toBe('7')
    expect(flag('--append-system-prompt')).toBe('Be careful.')
    const settings = JSON.parse(flag('--settings'))
    expect(settings).toMatchObject({
      disableAllHooks: false,
      hooks: {PreToolUse: [{matcher: '*', hooks: [{type: 'command', command: 'cto-hook-test || exit 2', timeout: 600}]}]},
    })
    // Claude Code's own sandbox for Bash, with the tool worker's boundary, failing closed.
    expect(settings.sandbox).toMatchObject({enabled: true, failIfUnavailable: true, allowUnsandboxedCommands: false, network: {allowedDomains: []}})
    expect(settings.sandbox.filesystem.allowWrite).toEqual([workspace])
    expect(settings.sandbox.filesystem.denyRead).toContain(dir)
    expect(settings.sandbox.credentials.envVars).toContainEqual({name: 'ANTHROPIC_API_KEY', mode: 'deny'})
    // Only the user's settings: a repository's .claude/settings.json and .mcp.json are not loaded.
    expect(flag('--setting-sources')).toBe('user')
    expect(call.argv).toContain('--strict-mcp-config')
    expect(call.env).toMatchObject({
      ANTHROPIC_API_KEY: 'sk-ant-test-key-0123456789',
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:9/anthropic',
      CTO_WORKSPACE: workspace,
    })
    const {decodeHookContext} = await import('../../src/core/tools/policy/hook-context.js')
    expect(decodeHookContext(String(call.env.CTO_HOOK_CONTEXT))).toMatchObject({workspace, home: dir, filterBash: false})
  })

  it('takes the binary from CTO_CLAUDE_BIN, and the key from the environment when the model has none', async () => {
    const fake = await writeFakeClaude(dir, {stdout: claudeResultJson()})
    const engine = createClaudeCliEngine({hookCommand: false})
    const result = await engine.run({
      model: claudeModel({apiKey: undefined, baseURL: undefined}),
      prompt: 'x',
      workspace,
      env: {PATH: '/nonexistent', CTO_CLAUDE_BIN: fake.bin, ANTHROPIC_API_KEY: 'sk-ant-from-env-123456'},
    })
    expect(result.ok).toBe(true)
    const [call] = await fake.invocations()
    expect(call.env.ANTHROPIC_API_KEY).toBe('sk-ant-from-env-123456')
    expect(call.env.ANTHROPIC_BASE_URL).toBeUndefined()
    expect(call.argv).not.toContain('--settings')
  })

  it('prefers its own cost figure, and reports permission denials', async () => {
    const {result} = await runFake({
      stdout: claudeResultJson({
        total_cost_usd: 0.5,
        permission_denials: [{tool_name: 'Bash', tool_use_id: 'toolu_1', tool_input: {command: 'rm -rf /'}}],
      }),
    })
    expect(result.ok).toBe(true)
    expect(result.cost_usd).toBe(0.5)
    expect(result.permission_denials).toEqual([{tool_name: 'Bash'}])
  })

  it('prices the usage itself when the CLI gives no cost', async () => {
    const {result} = await runFake({stdout: claudeResultJson({total_cost_usd: undefined, usage: {input_tokens: 1_000_000, output_tokens: 100_000}})})
    // 1M × $3 + 0.1M × $15
    expect(result.cost_usd).toBeCloseTo(4.5, 10)
  })

  it('garbage output with exit 0 is claude_bad_output', async () => {
    const {result} = await runFake({stdout: 'Welcome to Claude!\nthis is not json', exitCode: 0})
    expect(result.ok).toBe(false)
    expect(result.error).toMatchObject({code: 'claude_bad_output', retryable: false})
    expect(result.error?.message).toContain('this is not json')
  })

  it('a non-zero exit without a result is claude_exit with stderr, keys redacted', async () => {
    const {result} = await runFake({stderr: 'fatal: invalid key sk-ant-test-key-0123456789\n', exitCode: 3})
    expect(result.error).toMatchObject({code: 'claude_exit', retryable: false})
    expect(result.error?.message).toMatch(/exited with code 3/)
    expect(result.error?.message).toContain('fatal: invalid key')
    expect(result.error?.message).not.toContain('0123456789')
  })

  it('a crash by signal is claude_exit, retryable', async () => {
    const {result} = await runFake({crashSignal: 'SIGSEGV'})
    expect(result.error).toMatchObject({code: 'claude_exit', retryable: true})
    expect(result.error?.message).toMatch(/SIGSEGV/)
  })

  it('an API error inside the result becomes a typed failure with the status', async () => {
    const {result} = await runFake({
      stdout: claudeResultJson({is_error: true, api_error_status: 401, result: 'API Error: 401 invalid x-api-key sk-ant-test-key-0123456789'}),
      exitCode: 1,
    })
    expect(result.error).toMatchObject({code: 'http_401', retryable: false, statusCode: 401})
    expect(result.error?.message).not.toContain('sk-ant-test-key')
    const rate = await runFake({stdout: claudeResultJson({is_error: true, api_error_status: 429, result: 'API Error: 429 slow down'}), exitCode: 1})
    expect(rate.result.error).toMatchObject({code: 'rate_limited', retryable: true})
  })

  it('a prompt starting with a dash goes after --', async () => {
    const {fake} = await runFake({stdout: claudeResultJson()}, {}, {prompt: '--help me'})
    const [call] = await fake.invocations()
    expect(call.argv.slice(-2)).toEqual(['--', '--help me'])
  })

  it('not logged in names the fix', async () => {
    const {result} = await runFake({stdout: claudeResultJson({is_error: true, api_error_status: null, result: 'Not logged in · Please run /login'}), exitCode: 1})
    expect(result.error).toMatchObject({code: 'claude_not_logged_in', retryable: false})
    expect(result.error?.message).toMatch(/cto keys set sonnet/)
  })

  it('the turn limit is turn_limit', async () => {
    const {result} = await runFake({stdout: claudeResultJson({subtype: 'error_max_turns', is_error: true, result: undefined}), exitCode: 1})
    expect(result.error).toMatchObject({code: 'turn_limit', retryable: false})
  })

  it('a missing binary is claude_not_found, naming the fix', async () => {
    const engine = createClaudeCliEngine({hookCommand: false, env: {PATH: dir}})
    const result = await engine.run({model: claudeModel(), prompt: 'x', workspace})
    expect(result.error).toMatchObject({code: 'claude_not_found', retryable: false})
    expect(result.error?.message).toMatch(/npm install -g @anthropic-ai\/claude-code|CTO_CLAUDE_BIN/)
  })

  it('kills the whole process group on timeout', async () => {
    const {result, fake} = await runFake({sleepMs: 30_000, spawnGrandchild: true, stdout: claudeResultJson()}, {killGraceMs: 200}, {timeoutMs: 1000})
    expect(result.error).toMatchObject({code: 'timeout', retryable: true})
    // The grandchild got SIGTERM with the group.
    expect(await waitUntilGone(Number(await readFile(fake.grandchildPidFile, 'utf8')))).toBe(true)
  })

  it('a leftover process holding stdout does not keep a finished session running', async () => {
    const {result, fake} = await runFake({spawnGrandchild: true, grandchildHoldsStdout: true, stdout: claudeResultJson()}, {}, {timeoutMs: 20_000})
    expect(result.error).toBeUndefined()
    expect(result).toMatchObject({ok: true, text: 'Done.'})
    expect(await waitUntilGone(Number(await readFile(fake.grandchildPidFile, 'utf8')))).toBe(true)
  })

  it('refuses to run without a hook command unless told so', async () => {
    const fake = await writeFakeClaude(dir, {stdout: claudeResultJson()})
    const result = await createClaudeCliEngine({bin: fake.bin}).run({model: claudeModel(), prompt: 'x', workspace})
    expect(result.error).toMatchObject({code: 'no_policy_hook', retryable: false})
    expect(await fake.invocations()).toEqual([])
  })

  it('refuses bypassPermissions as root, allows it otherwise', () => {
    expect(() => createClaudeCliEngine({permissionMode: 'bypassPermissions', isRoot: () => true})).toThrow(/bypassPermissions as root/)
    expect(createClaudeCliEngine({permissionMode: 'bypassPermissions', isRoot: () => false}).kind).toBe('claude-cli')
  })

  it('disables tools and asks for JSON for CTO calls', async () => {
    const {fake} = await runFake({stdout: claudeResultJson({result: '{"a":1}'})}, {}, {allowTools: false, responseFormat: 'json'})
    const [call] = await fake.invocations()
    expect(call.argv[call.argv.indexOf('--tools') + 1]).toBe('')
    expect(call.argv[call.argv.indexOf('--append-system-prompt') + 1]).toMatch(/single JSON object/)
  })
})
