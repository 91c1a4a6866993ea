/**
 * An Anthropic Messages API stand-in on 127.0.0.1, good enough for the real Claude Code CLI
 * (`ANTHROPIC_BASE_URL=<url>`). It answers `POST /v1/messages` as SSE (message_start …
 * message_stop) or as one JSON message, with scripted text and `tool_use` blocks, and answers the
 * other endpoints Claude Code touches with harmless empty replies. Every request is logged.
 *
 *   const server = await startAnthropicServer({script: [
 *     {toolUses: [{name: 'Write', input: {file_path: '/tmp/x/a.txt', content: 'hi'}}]},
 *     {text: 'done'},
 *   ]})
 */
import type {IncomingMessage, ServerResponse} from 'node:http'

import {delay, listen, readBody, sendJson, type RecordedRequest} from './http-helpers.js'

export interface AnthropicToolUse {
  id?: string
  name: string
  input: Record<string, unknown>
}

export interface AnthropicReply {
  text?: string
  toolUses?: AnthropicToolUse[]
  stopReason?: 'end_turn' | 'tool_use' | 'max_tokens'
  usage?: {input_tokens: number; output_tokens: number}
  /** Answer with this HTTP status and an Anthropic error body instead. */
  status?: number
  errorMessage?: string
  headers?: Record<string, string>
  delayMs?: number
}

export interface MessagesRequest extends RecordedRequest {
  body: {
    model?: string
    stream?: boolean
    system?: unknown
    tools?: Array<{name: string}>
    messages: Array<{role: string; content: string | Array<Record<string, unknown>>}>
    [key: string]: unknown
  }
}

export type AnthropicHandler = (request: MessagesRequest, index: number) => AnthropicReply | Promise<AnthropicReply>

export interface AnthropicServerOptions {
  /** Replies, in order, for conversation turns (requests that carry tools). */
  script?: AnthropicReply[]
  /** Decides every conversation turn; wins over `script`. */
  handler?: AnthropicHandler
  /**
   * Reply for side requests Claude Code makes without tools (titles, topic checks, quota probes).
   * Default: a short text that consumes nothing from the script.
   */
  sideReply?: AnthropicReply
}

export interface AnthropicServer {
  url: string
  port: number
  /** Conversation turns (`POST /v1/messages` with tools), in order. */
  requests: MessagesRequest[]
  /** Every request the server saw, for finding out what a client calls. */
  log: RecordedRequest[]
  close(): Promise<void>
}

/** The tool_result blocks the client sent in a request's last user message. */
export function toolResults(request: MessagesRequest): Array<{tool_use_id: string; is_error?: boolean; content: string}> {
  const last = request.body.messages.at(-1)
  if (!last || typeof last.content === 'string') return []
  return last.content
    .filter((block) => block.type === 'tool_result')
    .map((block) => ({
      tool_use_id: String(block.tool_use_id),
      is_error: block.is_error === true,
      content: flattenContent(block.content),
    }))
}

function flattenContent(content: unknown): string {
  if (typeof content === 'string') return content
  if (Array.isArray(content)) return content.map((part) => (part && typeof part === 'object' && 'text' in part ? String(part.text) : '')).join('')
  return ''
}

let counter = 0
const nextId = (prefix: string) => `${prefix}_test${String(++counter).padStart(6, '0')}`

export async function startAnthropicServer(options: AnthropicServerOptions = {}): Promise<AnthropicServer> {
  const requests: MessagesRequest[] = []
  const log: RecordedRequest[] = []
  const script = [...(options.script ?? [])]

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req)
    const path = (req.url ?? '/').split('?')[0]
    const recorded: RecordedRequest = {method: req.method ?? 'GET', path, headers: req.headers, body}
    log.push(recorded)

    if (req.method === 'POST' && path === '/v1/messages/count_tokens') {
      sendJson(res, 200, {input_tokens: 100})
      return
    }
    if (req.method === 'POST' && path === '/v1/messages') {
      const request = recorded as MessagesRequest
      const isTurn = Array.isArray(request.body?.tools) && request.body.tools.length > 0
      let reply: AnthropicReply
      if (isTurn) {
        requests.push(request)
        if (options.handler) reply = await options.handler(request, requests.length - 1)
        else reply = script.shift() ?? {status: 400, errorMessage: 'test server: no scripted reply left'}
      } else {
        reply = options.sideReply ?? {text: 'ok'}
      }
      await answerMessages(res, request, reply)
      return
    }
    // Anything else (OAuth, settings, metrics, feature flags): an empty success keeps clients quiet.
    sendJson(res, req.method === 'HEAD' ? 200 : 200, {})
  }

  const listening = await listen(handle)
  return {url: `http://127.0.0.1:${listening.port}`, port: listening.port, requests, log, close: listening.close}
}

async function answerMessages(res: ServerResponse, request: MessagesRequest, reply: AnthropicReply): Promise<void> {
  if (reply.delayMs) {
    await Promise.race([delay(reply.delayMs), new Promise((resolve) => res.once('close', resolve))])
    if (res.destroyed) return
  }
  if (reply.status && reply.status >= 400) {
    sendJson(
      res,
      reply.status,
      {type: 'error', error: {type: reply.status === 429 ? 'rate_limit_error' : 'api_error', message: reply.errorMessage ?? `status ${reply.status}`}},
      reply.headers,
    )
    return
  }
  const model = request.body.model ?? 'claude-test'
  const toolUses = (reply.toolUses ?? []).map((use) => ({...use, id: use.id ?? nextId('toolu')}))
  const stopReason = reply.stopReason ?? (toolUses.length > 0 ? 'tool_use' : 'end_turn')
  const usage = reply.usage ?? {input_tokens: 120, output_tokens: 30}
  const content: Array<Record<string, unknown>> = []
  if (reply.text !== undefined || toolUses.length === 0) content.push({type: 'text', text: reply.text ?? ''})
  for (const use of toolUses) content.push({type: 'tool_use', id: use.id, name: use.name, input: use.input})
  const id = nextId('msg')

  if (!request.body.stream) {
    sendJson(
      res,
      200,
      {id, type: 'message', role: 'assistant', model, content, stop_reason: stopReason, stop_sequence: null, usage},
      {'request-id': nextId('req'), ...reply.headers},
    )
    return
  }

  res.writeHead(200, {'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': nextId('req'), ...reply.headers})
  const event = (type: string, data: Record<string, unknown>) => res.write(`event: ${type}\ndata: ${JSON.stringify({type, ...data})}\n\n`)
  event('message_start', {
    message: {id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: {input_tokens: usage.input_tokens, output_tokens: 1}},
  })
  event('ping', {})
  content.forEach((block, index) => {
    if (block.type === 'text') {
      event('content_block_start', {index, content_block: {type: 'text', text: ''}})
      const text = String(block.text)
      for (const piece of chunks(text, 16)) event('content_block_delta', {index, delta: {type: 'text_delta', text: piece}})
      event('content_block_stop', {index})
    } else {
      event('content_block_start', {index, content_block: {type: 'tool_use', id: block.id, name: block.name, input: {}}})
      for (const piece of chunks(JSON.stringify(block.input), 24)) event('content_block_delta', {index, delta: {type: 'input_json_delta', partial_json: piece}})
      event('content_block_stop', {index})
    }
  })
  event('message_delta', {delta: {stop_reason: stopReason, stop_sequence: null}, usage: {output_tokens: usage.output_tokens}})
  event('message_stop', {})
  res.end()
}

function chunks(text: string, size: number): string[] {
  if (text.length === 0) return []
  const out: string[] = []
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size))
  return out
}
