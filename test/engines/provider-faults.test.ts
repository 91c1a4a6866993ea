import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {setupProblem} from '../../src/core/availability/setup-failure.js'
import {createTextEngine, type TextEngineOptions} from '../../src/core/engines/text-engine.js'
import type {EngineEvent, EngineRequest} from '../../src/core/engines/types.js'
import {startOpenAIServer, type OpenAIReply, type OpenAIServer} from '../support/openai-server.js'
import {testModel} from '../support/test-model.js'

let workspace: string
let server: OpenAIServer | undefined

beforeEach(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'cto-faults-'))
})
afterEach(async () => {
  await server?.close()
  server = undefined
  await rm(workspace, {recursive: true, force: true})
})

async function run(script: OpenAIReply[], options: TextEngineOptions = {}, request: Partial<EngineRequest> = {}) {
  server = await startOpenAIServer({script})
  const sleeps: number[] = []
  const events: EngineEvent[] = []
  const engine = createTextEngine({
    sleep: async (ms) => {
      sleeps.push(ms)
    },
    random: () => 0,
    retry: {baseDelayMs: 10, maxRetries: 3},
    ...options,
  })
  const result = await engine.run({
    model: testModel({baseURL: server.baseURL}),
    prompt: 'hello',
    workspace,
    onEvent: (event) => events.push(event),
    ...request,
  })
  return {result, sleeps, events, server}
}

describe('provider faults', () => {
  it('429 waits as long as Retry-After says, then succeeds', async () => {
    const {result, sleeps, events, server} = await run([{status: 429, headers: {'retry-after': '2'}}, {content: 'finally'}])
    expect(result).toMatchObject({ok: true, text: 'finally'})
    expect(sleeps).toEqual([2000])
    expect(events).toContainEqual({type: 'retry', attempt: 1, delayMs: 2000, reason: 'rate_limited'})
    expect(server.requests).toHaveLength(2)
  })

  it('429 with a Retry-After longer than cto waits fails at once as retryable', async () => {
    const {result, sleeps, server} = await run([{status: 429, headers: {'retry-after': '3600'}}, {content: 'never'}])
    expect(result.error).toMatchObject({code: 'rate_limited', retryable: true, statusCode: 429})
    expect(result.error?.message).toMatch(/asks to wait 3600 s/)
    expect(sleeps).toEqual([])
    expect(server.requests).toHaveLength(1)
  })

  it('500 is retried with exponential backoff, then succeeds', async () => {
    const {result, sleeps, server} = await run([{status: 500}, {status: 503}, {content: 'ok now'}])
    expect(result).toMatchObject({ok: true, text: 'ok now'})
    expect(sleeps).toEqual([10, 20])
    expect(server.requests).toHaveLength(3)
  })

  it('408 and 409 are retried', async () => {
    const {result, server} = await run([{status: 408}, {status: 409}, {content: 'ok'}])
    expect(result.ok).toBe(true)
    expect(server.requests).toHaveLength(3)
  })

  it('gives up after the bounded number of retries, still marked retryable', async () => {
    const {result, sleeps, server} = await run([{status: 502}, {status: 502}, {status: 502}, {status: 502}, {content: 'too late'}])
    expect(result.error).toMatchObject({code: 'http_502', retryable: true, statusCode: 502})
    expect(result.error?.message).toMatch(/gave up after 4 tries/)
    expect(sleeps).toHaveLength(3)
    expect(server.requests).toHaveLength(4)
  })

  it.each([400, 401, 403, 404])('%i is not retried', async (status) => {
    const {result, sleeps, server} = await run([{status, errorMessage: 'nope'}, {content: 'never'}])
    expect(result.ok).toBe(false)
    expect(result.error).toMatchObject({code: `http_${status}`, retryable: false, statusCode: status})
    expect(sleeps).toEqual([])
    expect(server.requests).toHaveLength(1)
  })

  it('401 tells the user how to fix the key, without printing it', async () => {
    const {result} = await run([{status: 401, errorMessage: 'Incorrect API key provided: sk-test-0123456789abcdefSECRET'}])
    expect(result.error?.message).toMatch(/cto keys set testmodel/)
    expect(result.error?.message).not.toContain('0123456789abcdefSECRET')
    expect(result.error?.message).toContain('[REDACTED]')
  })

  it('a connection dropped before the answer is retried', async () => {
    const {result, server} = await run([{drop: 'before-response'}, {content: 'second try'}], {}, {onEvent: undefined})
    expect(result).toMatchObject({ok: true, text: 'second try'})
    expect(server.requests).toHaveLength(2)
  })

  it('a stream cut half-way is retried as a whole', async () => {
    const {result, events, server} = await run([{content: 'this answer will be cut off in the middle', drop: 'mid-response'}, {content: 'complete answer'}])
    expect(result).toMatchObject({ok: true, text: 'complete answer'})
    expect(events.some((e) => e.type === 'retry' && e.reason === 'connection_error')).toBe(true)
    expect(server.requests).toHaveLength(2)
  })

  it('a JSON body cut half-way is retried', async () => {
    const {result, server} = await run([{content: 'cut', drop: 'mid-response'}, {content: 'whole'}], {}, {onEvent: undefined})
    expect(result).toMatchObject({ok: true, text: 'whole'})
    expect(server.requests).toHaveLength(2)
  })

  it('a connection that keeps dropping fails as a retryable connection error', async () => {
    const drop: OpenAIReply = {drop: 'before-response'}
    const {result} = await run([drop, drop, drop, drop], {}, {onEvent: undefined})
    expect(result.error).toMatchObject({code: 'connection_error', retryable: true})
  })

  it('an endpoint where nothing listens is "connection refused": a setup problem, not retried', async () => {
    const closed = await startOpenAIServer()
    const baseURL = closed.baseURL
    await closed.close()
    const events: EngineEvent[] = []
    const engine = createTextEngine({sleep: async () => {}, retry: {maxRetries: 1}})
    const result = await engine.run({model: testModel({baseURL}), prompt: 'x', workspace, onEvent: (e) => events.push(e)})
    expect(result.error).toMatchObject({code: 'connection_refused', retryable: false})
    expect(result.error?.message).toBe(`testmodel: nothing answers at ${baseURL} (connection refused).`)
    // The fix is the setup problem's, shown once beside the message.
    expect(setupProblem('testmodel', result.error)?.fix).toContain(`cto config set provider_endpoints.testmodel.api_url <url>`)
    expect(events.filter((e) => e.type === 'retry')).toEqual([])
  })

  it('a slow answer that comes within the per-request timeout is waited for and used', async () => {
    // The server answers after 400 ms; the client waits up to 3 s: no timeout, no retry, the slow answer is the result.
    const {result, events, server} = await run([{delayMs: 400, content: 'slow but in time'}], {requestTimeoutMs: 3000, retry: {maxRetries: 0}})
    expect(result.error ?? null).toBeNull()
    expect(result).toMatchObject({ok: true, text: 'slow but in time'})
    expect(events.filter((e) => e.type === 'retry')).toEqual([])
    expect(server.requests).toHaveLength(1)
  })

  it('a request slower than the per-request timeout times out and is retried', async () => {
    // The same kind of slow answer (it does come, after 1 s: see the test above), against a 200 ms timeout.
    const {result, events, server} = await run([{delayMs: 1000, content: 'slow'}, {content: 'fast'}], {requestTimeoutMs: 200})
    expect(result).toMatchObject({ok: true, text: 'fast'})
    expect(events).toContainEqual(expect.objectContaining({type: 'retry', attempt: 1, reason: 'timeout'}))
    expect(server.requests).toHaveLength(2)
  })

  it('a streamed answer that keeps coming is not cut off by the per-request timeout; one that stops is', async () => {
    // A slow local model: 20 pieces, 60 ms apart (1.2 s in all), against a 400 ms per-request timeout.
    const text = 'a slow local model writes its answer piece by piece, '.repeat(3).slice(0, 160)
    const {result, server} = await run([{content: text, pieceDelayMs: 60}], {requestTimeoutMs: 400, retry: {maxRetries: 0}})
    expect(result.error ?? null).toBeNull()
    expect(result).toMatchObject({ok: true, text})
    expect(server.requests).toHaveLength(1)
    // The same model going silent half-way: the pause is what times out.
    const stalled: OpenAIReply = {content: text, gate: {afterPieces: 3, wait: new Promise(() => {})}}
    await server.close()
    const again = await run([stalled], {requestTimeoutMs: 300, retry: {maxRetries: 0}})
    expect(again.result.error).toMatchObject({code: 'timeout', retryable: true})
    expect(again.result.error?.message).toContain('the answer stopped: nothing more for 300 ms')
  })

  it('times out as a retryable failure when every try is too slow', async () => {
    const slow: OpenAIReply = {delayMs: 5000, content: 'slow'}
    const {result} = await run([slow, slow], {requestTimeoutMs: 150, retry: {maxRetries: 1, baseDelayMs: 1}}, {onEvent: undefined})
    expect(result.error).toMatchObject({code: 'timeout', retryable: true})
  })

  it("the attempt's timeout stops the run, even during retries", async () => {
    const slow: OpenAIReply = {delayMs: 5000, content: 'slow'}
    const {result} = await run([slow, slow, slow], {requestTimeoutMs: 60_000}, {timeoutMs: 300})
    expect(result.error).toMatchObject({code: 'timeout', retryable: true})
    expect(result.error?.message).toMatch(/attempt's timeout/)
  })

  it('a cancelled signal stops the run as aborted', async () => {
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 100)
    const {result} = await run([{delayMs: 5000, content: 'slow'}], {}, {signal: controller.signal})
    expect(result.error).toMatchObject({code: 'aborted', retryable: false})
  })

  it('a model without a base URL fails clearly', async () => {
    const result = await createTextEngine().run({model: testModel({baseURL: undefined}), prompt: 'x', workspace})
    expect(result.error).toMatchObject({code: 'no_endpoint', retryable: false})
    expect(result.error?.message).toMatch(/cto config set/)
  })
})
