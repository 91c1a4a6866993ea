/**
 * Reads what `claude -p` prints: with `--output-format json` one result object; with
 * `stream-json --verbose` one JSON message a line (system init, assistant messages with text and
 * tool_use blocks, user messages with tool_result blocks) ending in the same result object.
 */
import type {EngineEvent} from './types.js'

/** The final `{"type":"result", ...}` object of Claude Code 2.x. */
export interface ClaudeResultMessage {
  type: 'result'
  subtype: string
  is_error: boolean
  result?: string
  api_error_status?: number | null
  duration_ms?: number
  num_turns?: number
  total_cost_usd?: number
  usage?: {input_tokens?: number; output_tokens?: number; cache_creation_input_tokens?: number; cache_read_input_tokens?: number}
  permission_denials?: Array<{tool_name: string; tool_use_id?: string; tool_input?: unknown}>
  errors?: string[]
  session_id?: string
}

export interface ClaudeToolUse {
  id: string
  name: string
  input: unknown
}

export interface ClaudeTranscript {
  result?: ClaudeResultMessage
  toolUses: ClaudeToolUse[]
  /** tool_result blocks by tool_use id. */
  toolResults: Map<string, {isError: boolean; content: string}>
}

export function emptyTranscript(): ClaudeTranscript {
  return {toolUses: [], toolResults: new Map()}
}

type Block = Record<string, unknown>

function contentText(content: unknown): string {
  if (typeof content === 'string') return content
  if (Array.isArray(content)) return content.map((part: Block) => (typeof part?.text === 'string' ? part.text : '')).join('')
  return ''
}

function isResult(value: unknown): value is ClaudeResultMessage {
  return typeof value === 'object' && value !== null && (value as Block).type === 'result' && typeof (value as Block).subtype === 'string'
}

/** Takes in one parsed message; reports text, tool calls and tool results to `onEvent` as they come. */
export function absorbMessage(transcript: ClaudeTranscript, message: unknown, onEvent?: (event: EngineEvent) => void): void {
  if (isResult(message)) {
    transcript.result = message
    return
  }
  if (typeof message !== 'object' || message === null) return
  const {type, message: inner} = message as {type?: string; message?: {content?: unknown}}
  const blocks = Array.isArray(inner?.content) ? (inner.content as Block[]) : []
  if (type === 'assistant') {
    for (const block of blocks) {
      if (block.type === 'text' && typeof block.text === 'string' && block.text) onEvent?.({type: 'text', delta: block.text})
      if (block.type === 'tool_use') {
        const use = {id: String(block.id ?? ''), name: String(block.name ?? ''), input: block.input}
        transcript.toolUses.push(use)
        onEvent?.({type: 'tool_call', name: use.name, summary: summarizeInput(use.name, use.input), input: use.input})
      }
    }
  } else if (type === 'user') {
    for (const block of blocks) {
      if (block.type !== 'tool_result') continue
      const id = String(block.tool_use_id ?? '')
      const entry = {isError: block.is_error === true, content: contentText(block.content)}
      transcript.toolResults.set(id, entry)
      const name = transcript.toolUses.find((use) => use.id === id)?.name ?? ''
      onEvent?.({type: 'tool_result', name, ok: !entry.isError, summary: firstLine(entry.content)})
    }
  }
}

/** Feeds complete lines of stream-json output; keeps the unfinished tail for the next chunk. */
export function createLineReader(onLine: (line: string) => void): {push(chunk: string): void; end(): void} {
  let buffer = ''
  return {
    push(chunk) {
      buffer += chunk
      let newline: number
      while ((newline = buffer.indexOf('\n')) >= 0) {
        onLine(buffer.slice(0, newline))
        buffer = buffer.slice(newline + 1)
      }
    },
    end() {
      if (buffer.trim()) onLine(buffer)
      buffer = ''
    },
  }
}

/** Parses one stream-json line into the transcript; lines that are not JSON are ignored. */
export function absorbLine(transcript: ClaudeTranscript, line: string, onEvent?: (event: EngineEvent) => void): void {
  const text = line.trim()
  if (!text.startsWith('{')) return
  try {
    absorbMessage(transcript, JSON.parse(text), onEvent)
  } catch {
    // Not JSON: a stray log line. The result line decides success.
  }
}

/**
 * Parses the whole stdout of `--output-format json` (one object, or an array of messages with
 * `--verbose`) or of `stream-json`. Returns a transcript whose `result` is undefined when no result
 * object was found.
 */
export function parseClaudeOutput(stdout: string): ClaudeTranscript {
  const transcript = emptyTranscript()
  const trimmed = stdout.trim()
  try {
    const whole: unknown = JSON.parse(trimmed)
    for (const message of Array.isArray(whole) ? whole : [whole]) absorbMessage(transcript, message)
    return transcript
  } catch {
    for (const line of trimmed.split('\n')) absorbLine(transcript, line)
    return transcript
  }
}

export function summarizeInput(name: string, input: unknown, max = 120): string {
  const args = JSON.stringify(input ?? {})
  const text = `${name} ${args}`
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}

function firstLine(text: string, max = 160): string {
  const line = text.split('\n', 1)[0] ?? ''
  return line.length > max ? `${line.slice(0, max - 1)}…` : line
}
