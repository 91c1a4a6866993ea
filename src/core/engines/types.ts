/**
 * The engine interface. Three engines implement it (issue: execution engines): `openai-tools`,
 * `text`, `claude-cli`. Every engine returns the same result shape, so the router treats them alike.
 */
import type {EngineKind} from '../providers/spec.js'
import type {ResolvedModel} from '../providers/resolve.js'

export interface Usage {
  input_tokens: number
  output_tokens: number
}

export interface EngineFailure {
  /** Stable class of failure: `rate_limited`, `timeout`, `http_500`, `turn_limit`, `malformed_tool_calls`, `spawn_failed`, ... */
  code: string
  message: string
  retryable: boolean
  statusCode?: number
}

export interface ToolCallRecord {
  id?: string
  name: string
  ok: boolean
  /** Short description of the call or its refusal, for the attempt record. */
  summary?: string
  /** For a shell command (run_command, Claude Code's Bash): what ran and how it ended, for the reviewer. */
  run?: CommandRun
  /** The tool policy refused the call (not run at all); `rule` names the policy rule, `reason` says why. */
  refused?: boolean
  rule?: string
  reason?: string
  /** A refused call's arguments, parsed, to show it readably. */
  input?: unknown
}

export interface CommandRun {
  command: string
  /** null when it did not run (refused) or was killed. */
  exit_code: number | null
  /** The last part of its output (or the refusal), secrets redacted. */
  output_tail: string
}

export interface EngineResult {
  ok: boolean
  text: string
  error?: EngineFailure
  usage: Usage
  cost_usd: number
  duration_ms: number
  turns: number
  tool_calls: ToolCallRecord[]
  /** Tool calls Claude Code denied (claude-cli only). */
  permission_denials?: Array<{tool_name: string; reason?: string}>
}

export type EngineEvent =
  | {type: 'text'; delta: string}
  | {type: 'tool_call'; name: string; summary: string; /** The call's arguments, parsed (for a readable progress line). */ input?: unknown}
  | {type: 'tool_result'; name: string; ok: boolean; summary: string; refused?: boolean}
  | {type: 'retry'; attempt: number; delayMs: number; reason: string}
  | {type: 'turn'; turn: number}

export interface EngineRequest {
  model: ResolvedModel
  prompt: string
  system?: string
  /** Folder the worker acts in (tool worker root when narrower than home). */
  workspace: string
  /** Default 25. */
  maxTurns?: number
  /** Whole-attempt timeout. */
  timeoutMs?: number
  /** Ask for a JSON object answer (used by the CTO's classification and review). */
  responseFormat?: 'text' | 'json'
  /** False: no tools even if the model supports them (CTO calls). */
  allowTools?: boolean
  signal?: AbortSignal
  onEvent?: (event: EngineEvent) => void
  env?: NodeJS.ProcessEnv
}

export interface Engine {
  kind: EngineKind
  run(request: EngineRequest): Promise<EngineResult>
}
