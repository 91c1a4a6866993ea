/**
 * An OpenAI-compatible chat-completions server on 127.0.0.1 for tests: the real `openai` SDK talks
 * to it over HTTP (`baseURL: server.url + '/v1'`). Replies come from a script (a queue) or a handler;
 * each reply can be an answer (text, tool calls, usage) or a fault (status + headers, delay,
 * dropped connection before or during the answer). JSON and SSE streaming are both served.
 *
 *   const server = await startOpenAIServer({script: [
 *     {status: 429, headers: {'retry-after': '1'}},
 *     {toolCalls: [{name: 'write_file', arguments: {path: 'a.txt', content: 'hi'}}]},
 *     {content: 'done'},
 *   ]})
 */
import type {IncomingMessage, ServerResponse} from 'node:http'

import {delay, listen, readBody, sendJson, type RecordedRequest} from './http-helpers.js'

export interface ScriptedToolCall {
  id?: string
  name: string
  /** An object is sent as JSON; a string is sent verbatim (use it for malformed JSON). */
  arguments: Record<string, unknown> | string
}

export interface OpenAIReply {
  content?: string
  toolCalls?: ScriptedToolCall[]
  usage?: {prompt_tokens: number; completion_tokens: number}
  finishReason?: 'stop' | 'tool_calls' | 'length'
  /** Fault: answer with this status and an OpenAI error body (`errorMessage`). */
  status?: number
  errorMessage?: string
  headers?: Record<string, string>
  /** Wait this long before answering (a slow model; longer than the client's timeout, a timeout). The answer comes after it unless the client went away. */
  delayMs?: number
  /** Fault: close the connection before any answer, or after sending part of a stream / body. */
  drop?: 'before-response' | 'mid-response'
  /** Streaming only: send this many pieces of the content (8 characters each), then wait for `wait` before the rest. */
  gate?: {afterPieces: number; wait: Promise<unknown>}
  /** Streaming only: wait this long before each piece of the content (a slow local model writing). */
  pieceDelayMs?: number
}

export interface ChatRequest extends RecordedRequest {
  body: {
    model: string
    messages: Array<{role: string; content?: string | null; tool_calls?: Array<{id: string; function: {name: string; arguments: string}}>; tool_call_id?: string}>
    tools?: Array<{type: 'function'; function: {name: string; description?: string; parameters?: unknown}}>
    stream?: boolean
    stream_options?: {include_usage?: boolean}
    response_format?: {type: string}
    [key: string]: unknown
  }
}

export type OpenAIHandler = (request: ChatRequest, index: number) => OpenAIReply | Promise<OpenAIReply>

export interface OpenAIServerOptions {
  script?: OpenAIReply[]
  /** Decides every reply; wins over `script`. */
  handler?: OpenAIHandler
  /** Listen on this port of 127.0.0.1 (default: any free one). */
  port?: number
}

export interface OpenAIServer {
  /** Server root; the SDK's baseURL is `${url}/v1` (also given as `baseURL`). */
  url: string
  baseURL: string
  port: number
  /** Every chat-completions request received, faults included, in order. */
  requests: ChatRequest[]
  /** Replies still queued in the script. */
  remaining(): number
  close(): Promise<void>
}

/** The tool messages of a request, in order: what the client fed back after running tool calls. */
export function toolMessages(request: ChatRequest): Array<{tool_call_id: string; content: string}> {
  return request.body.messages
    .filter((m) => m.role === 'tool')
    .map((m) => ({tool_call_id: String(m.tool_call_id), content: typeof m.content === 'string' ? m.content : ''}))
}

let counter = 0
const nextId = (prefix: string) => `${prefix}_${String(++counter).padStart(6, '0')}`

export async function startOpenAIServer(options: OpenAIServerOptions = {}): Promise<OpenAIServer> {
  const requests: ChatRequest[] = []
  const script = [...(options.script ?? [])]

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req)
    const path = (req.url ?? '/').split('?')[0]
    if (req.method === 'GET' && path === '/v1/models') {
      sendJson(res, 200, {object: 'list', data: [{id: 'test-model', object: 'model', owned_by: 'test'}]})
      return
    }
    if (req.method !== 'POST' || path !== '/v1/chat/completions') {
      sendJson(res, 404, {error: {message: `test server: no route ${req.method} ${path}`, type: 'invalid_request_error'}})
      return
    }
    const request: ChatRequest = {method: req.method, path, headers: req.headers, body: body as ChatRequest['body']}
    requests.push(request)
    const reply = options.handler
      ? await options.handler(request, requests.length - 1)
      : (script.shift() ?? {status: 400, errorMessage: 'test server: no scripted reply left'})
    await answer(req, res, request, reply)
  }

  const listening = await listen(handle, options.port)
  const url = `http://127.0.0.1:${listening.port}`
  return {url, baseURL: `${url}/v1`, port: listening.port, requests, remaining: () => script.length, close: listening.close}
}

async function answer(req: IncomingMessage, res: ServerResponse, request: ChatRequest, reply: OpenAIReply): Promise<void> {
  if (reply.delayMs) {
    // A delay is a delay: the answer comes after it, unless the client went away meanwhile (a request
    // timeout, a cancel), so close() is never held up. Watch the response, not the request: since
    // Node 16 a request emits 'close' and is `destroyed` once its body has been read (readBody above),
    // which says nothing about the client; checking `req.destroyed` here made every delay a reply
    // that never came.
    if (!(await waitUnlessClosed(res, reply.delayMs))) return
  }
  if (reply.drop === 'before-response') {
    req.socket.destroy()
    return
  }
  if (reply.status && reply.status >= 400) {
    sendJson(res, reply.status, {error: {message: reply.errorMessage ?? `status ${reply.status}`, type: 'test_error', code: null}}, reply.headers)
    return
  }

  const model = request.body.model
  const id = nextId('chatcmpl')
  const created = Math.floor(Date.now() / 1000)
  const toolCalls = (reply.toolCalls ?? []).map((call) => ({
    id: call.id ?? nextId('call'),
    type: 'function' as const,
    function: {name: call.name, arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments)},
  }))
  const finishReason = reply.finishReason ?? (toolCalls.length > 0 ? 'tool_calls' : 'stop')
  const usage = reply.usage ?? {prompt_tokens: 100, completion_tokens: 20}
  const fullUsage = {...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens}

  if (!request.body.stream) {
    const text = JSON.stringify({
      id,
      object: 'chat.completion',
      created,
      model,
      choices: [
        {
          index: 0,
          message: {role: 'assistant', content: reply.content ?? (toolCalls.length > 0 ? null : ''), ...(toolCalls.length > 0 ? {tool_calls: toolCalls} : {})},
          finish_reason: finishReason,
        },
      ],
      usage: fullUsage,
    })
    if (reply.drop === 'mid-response') {
      res.writeHead(200, {'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...reply.headers})
      res.write(text.slice(0, Math.floor(text.length / 2)))
      await delay(20)
      req.socket.destroy()
      return
    }
    sendJson(res, 200, JSON.parse(text), reply.headers)
    return
  }

  res.writeHead(200, {'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', ...reply.headers})
  const chunk = (delta: Record<string, unknown>, finish: string | null = null, extra: Record<string, unknown> = {}) =>
    res.write(`data: ${JSON.stringify({id, object: 'chat.completion.chunk', created, model, choices: [{index: 0, delta, finish_reason: finish}], ...extra})}\n\n`)
  chunk({role: 'assistant', content: ''})
  const pieces = splitText(reply.content ?? '', 8)
  const sent = reply.drop === 'mid-response' ? Math.ceil(pieces.length / 2) : pieces.length
  for (const [i, piece] of pieces.slice(0, sent).entries()) {
    if (reply.gate && i === reply.gate.afterPieces) await reply.gate.wait
    if (reply.pieceDelayMs) await delay(reply.pieceDelayMs)
    if (res.destroyed) return
    chunk({content: piece})
  }
  if (reply.drop === 'mid-response') {
    await delay(20)
    req.socket.destroy()
    return
  }
  toolCalls.forEach((call, index) => {
    chunk({tool_calls: [{index, id: call.id, type: 'function', function: {name: call.function.name, arguments: ''}}]})
    for (const part of splitText(call.function.arguments, 10)) chunk({tool_calls: [{index, function: {arguments: part}}]})
  })
  chunk({}, finishReason)
  if (request.body.stream_options?.include_usage) {
    res.write(`data: ${JSON.stringify({id, object: 'chat.completion.chunk', created, model, choices: [], usage: fullUsage})}\n\n`)
  }
  res.write('data: [DONE]\n\n')
  res.end()
}

/** Waits `ms`; true if the response can still be sent, false (at once) if the client went away first. */
async function waitUnlessClosed(res: ServerResponse, ms: number): Promise<boolean> {
  if (res.destroyed) return false
  let timer: NodeJS.Timeout | undefined
  let onClose: (() => void) | undefined
  const waited = await Promise.race([
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), ms)
    }),
    new Promise<boolean>((resolve) => {
      onClose = () => resolve(false)
      res.once('close', onClose)
    }),
  ])
  clearTimeout(timer)
  if (onClose) res.off('close', onClose)
  return waited && !res.destroyed
}

function splitText(text: string, size: number): string[] {
  const out: string[] = []
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size))
  return out
}
