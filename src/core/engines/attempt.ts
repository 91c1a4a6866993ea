/**
 * The frame every engine run shares: the whole-attempt timeout joined with the caller's signal,
 * the clock, and the final result with cost and redacted error.
 */
import {costOf} from './cost.js'
import {EngineFailureError, redactFailure, toFailure} from './engine-failure.js'
import type {EngineRequest, EngineResult, ToolCallRecord, Usage} from './types.js'

export interface Attempt {
  /** Aborts on the caller's signal or when the attempt's time is up (reason: an EngineFailureError). */
  signal: AbortSignal
  elapsed(): number
  dispose(): void
}

export function startAttempt(request: EngineRequest, now: () => number): Attempt {
  const started = now()
  const timeout = new AbortController()
  const timer =
    request.timeoutMs && request.timeoutMs > 0
      ? setTimeout(
          () =>
            timeout.abort(
              new EngineFailureError({
                code: 'timeout',
                message: `${request.model.name}: no answer within ${Math.round(request.timeoutMs! / 1000)} s (the attempt's timeout).`,
                retryable: true,
              }),
            ),
          request.timeoutMs,
        )
      : undefined
  const signals = request.signal ? [request.signal, timeout.signal] : [timeout.signal]
  return {
    signal: AbortSignal.any(signals),
    elapsed: () => now() - started,
    dispose: () => clearTimeout(timer),
  }
}

export interface Outcome {
  text: string
  usage: Usage
  turns: number
  tool_calls: ToolCallRecord[]
  error?: unknown
  /** Cost the engine knows better than usage × price (the Claude CLI's own figure). */
  cost_usd?: number
  permission_denials?: EngineResult['permission_denials']
}

export function finishAttempt(request: EngineRequest, attempt: Attempt, outcome: Outcome): EngineResult {
  attempt.dispose()
  const result: EngineResult = {
    ok: outcome.error === undefined,
    text: outcome.text,
    usage: outcome.usage,
    cost_usd: outcome.cost_usd ?? costOf(outcome.usage, request.model.pricing),
    duration_ms: attempt.elapsed(),
    turns: outcome.turns,
    tool_calls: outcome.tool_calls,
  }
  if (outcome.permission_denials) result.permission_denials = outcome.permission_denials
  if (outcome.error !== undefined) result.error = redactFailure(toFailure(outcome.error), [request.model.apiKey])
  return result
}
