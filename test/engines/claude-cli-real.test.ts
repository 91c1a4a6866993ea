import {mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {createClaudeCliEngine} from '../../src/core/engines/claude-cli-engine.js'
import type {EngineEvent} from '../../src/core/engines/types.js'
import {startAnthropicServer, toolResults, type AnthropicServer} from '../support/anthropic-server.js'
import {claudeTestEnv, FORBIDDEN_HOOK_COMMAND, POLICY_HOOK_COMMAND, realClaudeAvailable, TEST_ANTHROPIC_KEY} from '../support/real-claude.js'
import {testModel} from '../support/test-model.js'

let workspace: string
let server: AnthropicServer | undefined
let env: NodeJS.ProcessEnv

beforeEach(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'cto-real-claude-'))
  env = await claudeTestEnv()
  env.CTO_TEST_HOOK_LOG = join(env.HOME!, 'hook.log')
})
afterEach(async () => {
  await server?.close()
  server = undefined
  await rm(workspace, {recursive: true, force: true})
  await rm(env.HOME!, {recursive: true, force: true})
})

const sonnet = (baseURL: string) =>
  testModel({name: 'sonnet', engine: 'claude-cli', group: 'claude', modelId: 'sonnet', baseURL, apiKey: TEST_ANTHROPIC_KEY, pricing: {inputPerMTok: 3, outputPerMTok: 15}})

describe.skipIf(!realClaudeAvailable)('claude-cli engine with the real Claude Code CLI', () => {
  it('writes a real file under acceptEdits and reports the tool call', async () => {
    const target = join(workspace, 'hello.txt')
    server = await startAnthropicServer({
      script: [{text: 'Writing the file.', toolUses: [{name: 'Write', input: {file_path: target, content: 'hello from claude\n'}}]}, {text: 'Wrote hello.txt.'}],
    })
    const events: EngineEvent[] = []
    const engine = createClaudeCliEngine({hookCommand: FORBIDDEN_HOOK_COMMAND, env})
    const result = await engine.run({model: sonnet(server.url), prompt: 'Write hello.txt', workspace, timeoutMs: 45_000, onEvent: (e) => events.push(e)})

    expect(result.error).toBeUndefined()
    expect(result).toMatchObject({ok: true, text: 'Wrote hello.txt.', turns: 2, permission_denials: []})
    expect(await readFile(target, 'utf8')).toBe('hello from claude\n')
    expect(result.tool_calls).toEqual([expect.objectContaining({name: 'Write', ok: true})])
    expect(result.usage.input_tokens).toBeGreaterThan(0)
    expect(result.cost_usd).toBeGreaterThan(0)
    expect(events).toContainEqual(expect.objectContaining({type: 'tool_call', name: 'Write'}))
    expect(events).toContainEqual({type: 'text', delta: 'Wrote hello.txt.'})
    // Claude Code sent our key to our server, and got the file-written result back.
    expect(server.requests[0].headers['x-api-key']).toBe(TEST_ANTHROPIC_KEY)
    expect(toolResults(server.requests[1])).toEqual([expect.objectContaining({is_error: false})])
    // The policy hook saw the call (and let it through).
    const hookLog = (await readFile(env.CTO_TEST_HOOK_LOG!, 'utf8')).trim().split('\n').map((line) => JSON.parse(line))
    expect(hookLog).toEqual([expect.objectContaining({hook_event_name: 'PreToolUse', tool_name: 'Write', cwd: workspace})])
  })

  it('is stopped by the PreToolUse hook; the reason reaches the model as a tool_result error', async () => {
    const target = join(workspace, 'forbidden.txt')
    server = await startAnthropicServer({
      script: [{toolUses: [{name: 'Write', input: {file_path: target, content: 'should not exist'}}]}, {text: 'I was not allowed to write it.'}],
    })
    const engine = createClaudeCliEngine({hookCommand: FORBIDDEN_HOOK_COMMAND, env, outputFormat: 'json'})
    const result = await engine.run({model: sonnet(server.url), prompt: 'Write forbidden.txt', workspace, timeoutMs: 45_000})

    await expect(readFile(target, 'utf8')).rejects.toThrow(/ENOENT/)
    const [fed] = toolResults(server.requests[1])
    expect(fed.is_error).toBe(true)
    expect(fed.content).toMatch(/forbidden path is not allowed/)
    expect(result.ok).toBe(true)
    expect(result.text).toBe('I was not allowed to write it.')
    expect(result.permission_denials).toEqual([{tool_name: 'Write'}])
  })

  it('in stream-json mode the denial carries the hook reason, and the tool call is marked failed', async () => {
    const target = join(workspace, 'forbidden-too.txt')
    server = await startAnthropicServer({
      script: [{toolUses: [{name: 'Write', input: {file_path: target, content: 'no'}}]}, {text: 'Blocked.'}],
    })
    const engine = createClaudeCliEngine({hookCommand: FORBIDDEN_HOOK_COMMAND, env})
    const result = await engine.run({model: sonnet(server.url), prompt: '--write forbidden-too.txt', workspace, timeoutMs: 45_000})
    expect(result.permission_denials).toEqual([{tool_name: 'Write', reason: expect.stringMatching(/forbidden path is not allowed/)}])
    expect(result.tool_calls).toEqual([expect.objectContaining({name: 'Write', ok: false})])
    // The prompt, dash and all, reached the model as the user's message.
    expect(JSON.stringify(server.requests[0].body.messages)).toContain('--write forbidden-too.txt')
  })

  it('with the real tool policy as the hook: a write in the workspace goes through, one outside is refused', async () => {
    const inside = join(workspace, 'inside.txt')
    const outside = join(env.HOME!, '.ssh', 'authorized_keys')
    server = await startAnthropicServer({
      script: [
        {
          toolUses: [
            {id: 'toolu_in', name: 'Write', input: {file_path: inside, content: 'ok\n'}},
            {id: 'toolu_out', name: 'Write', input: {file_path: outside, content: 'ssh-ed25519 AAAA attacker'}},
          ],
        },
        {text: 'One written, one refused.'},
      ],
    })
    const engine = createClaudeCliEngine({hookCommand: POLICY_HOOK_COMMAND, env})
    const result = await engine.run({model: sonnet(server.url), prompt: 'write both', workspace, timeoutMs: 45_000})
    expect(result.error).toBeUndefined()
    expect(await readFile(inside, 'utf8')).toBe('ok\n')
    await expect(readFile(outside, 'utf8')).rejects.toThrow(/ENOENT/)
    const fed = new Map(toolResults(server.requests[1]).map((r) => [r.tool_use_id, r]))
    expect(fed.get('toolu_in')?.is_error).toBe(false)
    expect(fed.get('toolu_out')?.is_error).toBe(true)
    expect(fed.get('toolu_out')?.content).toMatch(/Refused to write .*outside/)
    expect(result.permission_denials).toEqual([{tool_name: 'Write', reason: expect.stringMatching(/Refused to write/)}])
  })

  it("the hook still runs when the user's settings or environment try to switch hooks off", async () => {
    await mkdir(join(env.HOME!, '.claude'), {recursive: true})
    await writeFile(join(env.HOME!, '.claude', 'settings.json'), JSON.stringify({disableAllHooks: true}))
    const target = join(workspace, 'forbidden-3.txt')
    server = await startAnthropicServer({script: [{toolUses: [{name: 'Write', input: {file_path: target, content: 'no'}}]}, {text: 'ok'}]})
    const engine = createClaudeCliEngine({hookCommand: FORBIDDEN_HOOK_COMMAND, env: {...env, CLAUDE_CODE_SIMPLE: '1', CLAUDE_CODE_SAFE_MODE: '1'}})
    const result = await engine.run({model: sonnet(server.url), prompt: 'write it', workspace, timeoutMs: 45_000})
    expect(result.error).toBeUndefined()
    await expect(readFile(target, 'utf8')).rejects.toThrow(/ENOENT/)
    expect(toolResults(server.requests[1])[0]).toMatchObject({is_error: true, content: expect.stringMatching(/forbidden path/)})
  })

  it.each([
    ['crashes', `"${process.execPath}" -e "throw new Error('hook bug')"`],
    ['is missing', '/nonexistent/cto-hook'],
  ])('fails closed when the hook %s: the tool does not run', async (_what, hookCommand) => {
    const target = join(workspace, 'allowed-but-unchecked.txt')
    server = await startAnthropicServer({script: [{toolUses: [{name: 'Write', input: {file_path: target, content: 'x'}}]}, {text: 'ok'}]})
    const result = await createClaudeCliEngine({hookCommand, env}).run({model: sonnet(server.url), prompt: 'write', workspace, timeoutMs: 45_000})
    expect(result.error).toBeUndefined()
    await expect(readFile(target, 'utf8')).rejects.toThrow(/ENOENT/)
    expect(toolResults(server.requests[1])[0].is_error).toBe(true)
  })

  it('an API error from the server is a typed failure', async () => {
    server = await startAnthropicServer({handler: () => ({status: 400, errorMessage: `bad request for key ${TEST_ANTHROPIC_KEY}`})})
    const engine = createClaudeCliEngine({hookCommand: FORBIDDEN_HOOK_COMMAND, env})
    const result = await engine.run({model: sonnet(server.url), prompt: 'hi', workspace, timeoutMs: 45_000})
    expect(result.error).toMatchObject({code: 'http_400', retryable: false, statusCode: 400})
    expect(result.error?.message).not.toContain(TEST_ANTHROPIC_KEY)
  })
})
