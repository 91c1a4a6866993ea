/**
 * One chat-completion request to an OpenAI-compatible endpoint through the `openai` SDK (imported
 * lazily: start-up time matters), with streaming, a per-request timeout, bounded retries and errors
 * turned into EngineFailures. Used by the `text` and `openai-tools` engines.
 */
import {clause} from '../cli/clause.js'
import type OpenAI from 'openai'
import type {ChatCompletionCreateParamsBase, ChatCompletionMessageParam, ChatCompletionTool} from 'openai/resources/chat/completions'

import type {ResolvedModel} from '../providers/resolve.js'
import {noEndpointFix} from '../models/endpoint-setting.js'
import type {OpenAIToolDefinition} from '../tools/types.js'
import {EngineFailureError, failureFromStatus} from './engine-failure.js'
import {withRetry, parseRetryAfter, type RetryPolicy, type SleepFn, type TryFailure} from './retry.js'
import type {EngineEvent, Usage} from './types.js'

type OpenAIModule = typeof import('openai')

export interface ChatToolCall {
  /** Id the model gave the call (generated when the provider left it out). */
  id: string
  /** Tool name as sent; empty when the model left it out. */
  name: string
  /** The model's raw JSON text, unparsed. */
  arguments: string
}

export interface ChatReply {
  content: string
  toolCalls: ChatToolCall[]
  usage: Usage
  finishReason: string | null
}

export interface ChatSession {
  model: ResolvedModel
  client: OpenAI
  sdk: OpenAIModule
}

export interface ChatCallOptions {
  messages: ChatCompletionMessageParam[]
  tools?: OpenAIToolDefinition[]
  responseFormat?: 'text' | 'json'
  /** Stream the answer and report text deltas here. */
  onText?: (delta: string) => void
  /** Whole-attempt signal (attempt timeout, user abort). */
  signal: AbortSignal
  requestTimeoutMs: number
  retry: RetryPolicy
  sleep: SleepFn
  random: () => number
  onEvent?: (event: EngineEvent) => void
}

/** Creates the SDK client for a model: SDK retries off (ours honour Retry-After with an injectable sleep). */
export async function openChatSession(model: ResolvedModel, requestTimeoutMs: number): Promise<ChatSession> {
  if (!model.baseURL) {
    throw new EngineFailureError({
      code: 'no_endpoint',
      message: `${model.name} has no endpoint: set its OpenAI-compatible base URL with ${noEndpointFix(model)}.`,
      retryable: false,
    })
  }
  const sdk = await import('openai')
  const client = new sdk.OpenAI({
    // Local servers (Ollama) take no key, but the SDK insists on one.
    apiKey: model.apiKey ?? 'no-key',
    baseURL: model.baseURL,
    maxRetries: 0,
    timeout: requestTimeoutMs,
    // Not from OPENAI_ORG_ID / OPENAI_PROJECT_ID: those belong to OpenAI, not to every compatible endpoint.
    organization: null,
    project: null,
  })
  return {model, client, sdk}
}

/** Sends one chat completion, retrying transient failures. Throws EngineFailureError. */
export async function chatCompletion(session: ChatSession, options: ChatCallOptions): Promise<ChatReply> {
  return withRetry(
    () => sendOnce(session, options),
    (error) => classifyChatError(session, error, options.signal),
    options.retry,
    {sleep: options.sleep, random: options.random, signal: options.signal, onEvent: options.onEvent},
  )
}

class RequestTimeout extends Error {}

async function sendOnce(session: ChatSession, options: ChatCallOptions): Promise<ChatReply> {
  if (options.signal.aborted) throw options.signal.reason ?? new Error('aborted')
  const {model, client} = session
  const perRequest = new AbortController()
  // Until the answer starts, the whole wait counts; once it streams, only a pause between two pieces
  // does: a slow local model writing a long answer is still answering (the attempt's own timeout
  // bounds the total).
  let timer = setTimeout(() => perRequest.abort(new RequestTimeout(`no answer within ${options.requestTimeoutMs} ms`)), options.requestTimeoutMs)
  const stillAnswering = () => {
    clearTimeout(timer)
    timer = setTimeout(() => perRequest.abort(new RequestTimeout(`the answer stopped: nothing more for ${options.requestTimeoutMs} ms`)), options.requestTimeoutMs)
  }
  const signal = AbortSignal.any([options.signal, perRequest.signal])
  const body: ChatCompletionCreateParamsBase = {
    model: model.modelId,
    messages: options.messages,
    ...(options.tools && options.tools.length > 0 ? {tools: options.tools as ChatCompletionTool[]} : {}),
    ...(options.responseFormat === 'json' ? {response_format: {type: 'json_object' as const}} : {}),
    ...(model.maxTokens ? {max_tokens: model.maxTokens} : {}),
    ...(model.temperature === undefined ? {} : {temperature: model.temperature}),
  }
  try {
    if (!options.onText) {
      const completion = await client.chat.completions.create({...body, stream: false}, {signal})
      const choice = completion.choices?.[0]
      if (!choice) throw new EngineFailureError({code: 'bad_response', message: `${model.name} answered without a choice.`, retryable: true})
      const message = choice.message
      const toolCalls = (message.tool_calls ?? []).map((call, index) => ({
        id: call.id || `call_${index}`,
        name: call.type === 'function' ? (call.function?.name ?? '') : '',
        arguments: call.type === 'function' ? (call.function?.arguments ?? '') : '',
      }))
      return {
        content: message.content ?? '',
        toolCalls,
        usage: {input_tokens: completion.usage?.prompt_tokens ?? 0, output_tokens: completion.usage?.completion_tokens ?? 0},
        finishReason: choice.finish_reason ?? null,
      }
    }
    const stream = await client.chat.completions.create({...body, stream: true, stream_options: {include_usage: true}}, {signal})
    let content = ''
    let finishReason: string | null = null
    const usage: Usage = {input_tokens: 0, output_tokens: 0}
    const calls = new Map<number, ChatToolCall>()
    for await (const chunk of stream) {
      stillAnswering()
      if (chunk.usage) {
        usage.input_tokens = chunk.usage.prompt_tokens ?? 0
        usage.output_tokens = chunk.usage.completion_tokens ?? 0
      }
      const choice = chunk.choices?.[0]
      if (!choice) continue
      const delta = choice.delta
      if (delta?.content) {
        content += delta.content
        options.onText(delta.content)
      }
      for (const part of delta?.tool_calls ?? []) {
        const call = calls.get(part.index) ?? {id: '', name: '', arguments: ''}
        if (part.id) call.id = part.id
        if (part.function?.name) call.name += part.function.name
        if (part.function?.arguments) call.arguments += part.function.arguments
        calls.set(part.index, call)
      }
      if (choice.finish_reason) finishReason = choice.finish_reason
    }
    // An aborted stream can end its loop quietly: a cut-off answer is never a complete one.
    if (signal.aborted) throw signal.reason ?? new Error('aborted')
    const toolCalls = [...calls.entries()].sort(([a], [b]) => a - b).map(([index, call]) => ({...call, id: call.id || `call_${index}`}))
    return {content, toolCalls, usage, finishReason}
  } catch (error) {
    // Whatever the SDK reports when our own timer fired, it was a request timeout.
    if (perRequest.signal.aborted && !options.signal.aborted) throw perRequest.signal.reason
    throw error
  } finally {
    clearTimeout(timer)
  }
}

/** Maps an SDK error, a timeout or an abort to a failure, with the server's Retry-After if any. */
export function classifyChatError(session: ChatSession, error: unknown, attemptSignal: AbortSignal): TryFailure {
  const {sdk, model} = session
  const name = model.name
  if (error instanceof EngineFailureError) return {failure: error.failure}
  if (attemptSignal.aborted) {
    const reason: unknown = attemptSignal.reason
    if (reason instanceof EngineFailureError) return {failure: reason.failure}
    return {failure: {code: 'aborted', message: `${name}: the call was cancelled.`, retryable: false}}
  }
  if (error instanceof RequestTimeout || error instanceof sdk.APIConnectionTimeoutError) {
    return {failure: {code: 'timeout', message: `${name}: request timed out (${error instanceof RequestTimeout ? error.message : 'no answer'}).`, retryable: true}}
  }
  if (error instanceof sdk.APIConnectionError) {
    // "Connection error: fetch failed: other side closed": each message down the cause chain, as a clause (the SDK's ends in a full stop).
    const causes: string[] = []
    for (let e: unknown = error.cause, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) causes.push(`: ${clause(e.message)}`)
    const cause = causes.join('')
    // Nothing listening, or no such host: the setup is wrong, and trying again soon won't help.
    const sys = systemErrorCode(error)
    if (sys === 'ECONNREFUSED') {
      // What happened only: the fix is setup-failure.ts's, shown once beside it (it was in both, and printed twice).
      return {failure: {code: 'connection_refused', message: `${name}: nothing answers at ${model.baseURL} (connection refused).`, retryable: false}}
    }
    if (sys === 'ENOTFOUND') {
      return {failure: {code: 'dns_failed', message: `${name}: the host of ${model.baseURL} is not known (DNS).`, retryable: false}}
    }
    // What an offline machine gets (no route to any name server), not ENOTFOUND: the same setup
    // problem. Retried, it cost three backoffs and ended in "It may work if you try again".
    if (sys === 'EAI_AGAIN') {
      return {failure: {code: 'dns_failed', message: `${name}: the host of ${model.baseURL} could not be looked up (DNS: no name server answered, EAI_AGAIN).`, retryable: false}}
    }
    return {failure: {code: 'connection_error', message: `${name}: could not reach ${model.baseURL} (${clause(error.message)}${cause}).`, retryable: true}}
  }
  if (error instanceof sdk.APIError && typeof error.status === 'number') {
    const body = error.error as {message?: unknown} | undefined
    const detail = typeof body?.message === 'string' ? body.message : error.message.replace(/^\d{3}\s*/, '')
    return {failure: failureFromStatus(error.status, detail, name), retryAfterMs: parseRetryAfter(error.headers)}
  }
  // A stream that broke half-way surfaces as a plain error from the body reader.
  const message = error instanceof Error ? error.message : String(error)
  if (/terminated|socket|ECONNRESET|other side closed|premature close|aborted/i.test(message)) {
    return {failure: {code: 'connection_error', message: `${name}: the connection broke off (${clause(message)}).`, retryable: true}}
  }
  if (error instanceof sdk.OpenAIError || error instanceof SyntaxError) {
    return {failure: {code: 'bad_response', message: `${name}: unreadable answer (${clause(message)}).`, retryable: true}}
  }
  return {failure: {code: 'internal_error', message: `${name}: ${message}`, retryable: false}}
}

/** The system error code (ECONNREFUSED, ENOTFOUND, EAI_AGAIN, ...) somewhere down an error's cause chain (not Node's ERR_* codes, which wrap one). */
function systemErrorCode(error: unknown): string | undefined {
  let e: unknown = error
  for (let depth = 0; depth < 5 && e; depth++) {
    const code = (e as {code?: unknown}).code
    if (typeof code === 'string' && /^E[A-Z]+$|^EAI_[A-Z]+$/.test(code)) return code
    const inner = (e as {errors?: unknown[]}).errors
    if (Array.isArray(inner) && inner.length > 0) e = inner[0]
    else e = (e as {cause?: unknown}).cause
  }
  return undefined
}
