import {mkdtemp, readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {createOpenAIToolsEngine, type OpenAIToolsEngineOptions} from '../../src/core/engines/openai-tools-engine.js'
import type {EngineEvent} from '../../src/core/engines/types.js'
import {startOpenAIServer, toolMessages, type OpenAIReply, type OpenAIServer} from '../support/openai-server.js'
import {createStubToolRunner, type StubToolRunner} from '../support/stub-tool-runner.js'
import {testModel} from '../support/test-model.js'

let workspace: string
let server: OpenAIServer | undefined
let runner: StubToolRunner

beforeEach(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'cto-engine-'))
  runner = createStubToolRunner(workspace)
})

afterEach(async () => {
  await server?.close()
  server = undefined
  await rm(workspace, {recursive: true, force: true})
})

async function run(script: OpenAIReply[], options: Partial<OpenAIToolsEngineOptions> = {}, request: {maxTurns?: number; stream?: boolean} = {}) {
  server = await startOpenAIServer({script})
  const sleeps: number[] = []
  const events: EngineEvent[] = []
  const engine = createOpenAIToolsEngine({
    toolRunnerFactory: () => runner,
    sleep: async (ms) => {
      sleeps.push(ms)
    },
    random: () => 0,
    retry: {baseDelayMs: 1},
    ...options,
  })
  const result = await engine.run({
    model: testModel({baseURL: server.baseURL}),
    prompt: 'do the work',
    system: 'You are a worker.',
    workspace,
    maxTurns: request.maxTurns,
    onEvent: request.stream ? (event) => events.push(event) : undefined,
  })
  return {result, sleeps, events, server}
}

describe('openai-tools engine: the tool loop', () => {
  it('runs parallel tool calls in order, keeps their ids, and ends on an answer without calls', async () => {
    const {result, server} = await run([
      {
        content: 'Writing two files.',
        toolCalls: [
          {id: 'call_a', name: 'write_file', arguments: {path: 'a.txt', content: 'alpha'}},
          {id: 'call_b', name: 'write_file', arguments: {path: 'b.txt', content: 'beta'}},
          {id: 'call_c', name: 'read_file', arguments: {path: 'a.txt'}},
        ],
        usage: {prompt_tokens: 1000, completion_tokens: 100},
      },
      {content: 'Both files written.', usage: {prompt_tokens: 2000, completion_tokens: 50}},
    ])
    expect(result.error).toBeUndefined()
    expect(result.ok).toBe(true)
    expect(result.text).toBe('Both files written.')
    expect(result.turns).toBe(2)
    expect(await readFile(join(workspace, 'a.txt'), 'utf8')).toBe('alpha')
    expect(await readFile(join(workspace, 'b.txt'), 'utf8')).toBe('beta')
    expect(result.tool_calls.map((c) => [c.id, c.name, c.ok])).toEqual([
      ['call_a', 'write_file', true],
      ['call_b', 'write_file', true],
      ['call_c', 'read_file', true],
    ])
    // What the model got back: one tool message per call, same ids, same order, real results.
    const second = server.requests[1]
    expect(toolMessages(second)).toEqual([
      {tool_call_id: 'call_a', content: 'wrote a.txt (5 bytes)'},
      {tool_call_id: 'call_b', content: 'wrote b.txt (4 bytes)'},
      {tool_call_id: 'call_c', content: 'alpha'},
    ])
    const assistant = second.body.messages.find((m) => m.role === 'assistant')
    expect(assistant?.tool_calls?.map((c) => c.id)).toEqual(['call_a', 'call_b', 'call_c'])
    // Tools were offered, the system prompt and the model id went out, the key went as bearer.
    expect(server.requests[0].body.tools?.map((t) => t.function.name)).toEqual(['echo', 'read_file', 'write_file'])
    expect(server.requests[0].body.messages[0]).toEqual({role: 'system', content: 'You are a worker.'})
    expect(server.requests[0].body.model).toBe('test-model-1')
    expect(server.requests[0].headers.authorization).toBe('Bearer sk-test-0123456789abcdefSECRET')
    expect(result.usage).toEqual({input_tokens: 3000, output_tokens: 150})
    // 3000 × $1/M + 150 × $2/M
    expect(result.cost_usd).toBeCloseTo(0.0033, 10)
  })

  it('streams text deltas and tool calls when onEvent is given', async () => {
    const {result, events, server} = await run(
      [
        {toolCalls: [{id: 'call_1', name: 'echo', arguments: {text: 'ping'}}], usage: {prompt_tokens: 10, completion_tokens: 5}},
        {content: 'The echo said ping, all good.', usage: {prompt_tokens: 20, completion_tokens: 7}},
      ],
      {},
      {stream: true},
    )
    expect(result.ok).toBe(true)
    expect(server.requests.every((r) => r.body.stream === true && r.body.stream_options?.include_usage === true)).toBe(true)
    const deltas = events.filter((e) => e.type === 'text').map((e) => (e as {delta: string}).delta)
    expect(deltas.length).toBeGreaterThan(1)
    expect(deltas.join('')).toBe('The echo said ping, all good.')
    expect(events).toContainEqual({type: 'tool_result', name: 'echo', ok: true, summary: 'ping'})
    expect(toolMessages(server.requests[1])).toEqual([{tool_call_id: 'call_1', content: 'ping'}])
    expect(result.usage).toEqual({input_tokens: 30, output_tokens: 12})
  })

  it('sends malformed arguments back as an error result and carries on', async () => {
    const {result, server} = await run([
      {toolCalls: [{id: 'call_bad', name: 'write_file', arguments: '{"path": "x.txt", "content": '}]},
      {toolCalls: [{id: 'call_good', name: 'write_file', arguments: {path: 'x.txt', content: 'fixed'}}]},
      {content: 'done'},
    ])
    expect(result.ok).toBe(true)
    expect(toolMessages(server.requests[1])[0].content).toMatch(/^Error: .*not valid JSON/)
    expect(result.tool_calls.map((c) => c.ok)).toEqual([false, true])
    expect(await readFile(join(workspace, 'x.txt'), 'utf8')).toBe('fixed')
  })

  it('answers an unknown tool and a missing field with errors, never running a guess', async () => {
    const {result, server} = await run([
      {
        toolCalls: [
          {id: 'c1', name: 'delete_everything', arguments: {}},
          {id: 'c2', name: 'write_file', arguments: {path: 'y.txt'}},
        ],
      },
      {content: 'ok, stopping'},
    ])
    expect(result.ok).toBe(true)
    const messages = toolMessages(server.requests[1])
    expect(messages[0]).toMatchObject({tool_call_id: 'c1'})
    expect(messages[0].content).toMatch(/Unknown tool "delete_everything"/)
    expect(messages[1].content).toMatch(/needs content/)
    await expect(readFile(join(workspace, 'y.txt'), 'utf8')).rejects.toThrow()
  })

  it('fails the attempt after three malformed calls in a row', async () => {
    const bad = {toolCalls: [{name: 'write_file', arguments: 'not json'}]}
    const {result, server} = await run([bad, bad, bad, {content: 'never reached'}])
    expect(result.ok).toBe(false)
    expect(result.error).toMatchObject({code: 'malformed_tool_calls', retryable: false})
    expect(server.requests).toHaveLength(3)
  })

  it('fails at the turn limit when the model keeps calling tools', async () => {
    const again = {toolCalls: [{name: 'echo', arguments: {text: 'again'}}]}
    const {result, server} = await run([again, again, again, again], {}, {maxTurns: 3})
    expect(result.ok).toBe(false)
    expect(result.error).toMatchObject({code: 'turn_limit', retryable: false})
    expect(result.turns).toBe(3)
    expect(server.requests).toHaveLength(3)
    expect(result.tool_calls).toHaveLength(3)
  })

  it('with allowTools false sends no tools and makes one call', async () => {
    server = await startOpenAIServer({script: [{content: '{"type":"coding"}'}]})
    const engine = createOpenAIToolsEngine({toolRunnerFactory: () => runner})
    const result = await engine.run({model: testModel({baseURL: server.baseURL}), prompt: 'classify', workspace, allowTools: false, responseFormat: 'json'})
    expect(result).toMatchObject({ok: true, text: '{"type":"coding"}', turns: 1})
    expect(server.requests[0].body.tools).toBeUndefined()
    expect(server.requests[0].body.response_format).toEqual({type: 'json_object'})
  })

  it('fails clearly without a tool worker', async () => {
    server = await startOpenAIServer({script: []})
    const result = await createOpenAIToolsEngine({}).run({model: testModel({baseURL: server.baseURL}), prompt: 'x', workspace})
    expect(result.error).toMatchObject({code: 'no_tool_worker', retryable: false})
    expect(server.requests).toHaveLength(0)
  })
})
