/**
 * Bounded retries with exponential backoff for provider calls. The SDK's own retries are switched
 * off (its sleep can't be injected and it can't retry a stream that broke half-way); this loop
 * honours `Retry-After` / `retry-after-ms`, takes its sleep and jitter from the caller, and stops
 * on the first non-retryable failure.
 */
import {setTimeout as sleepTimer} from 'node:timers/promises'

import {EngineFailureError} from './engine-failure.js'
import type {EngineEvent, EngineFailure} from './types.js'

export interface RetryPolicy {
  /** Retries after the first try (so `maxRetries + 1` tries in all). */
  maxRetries: number
  /** First backoff delay; doubled each retry, capped by `maxDelayMs`, minus up to 25 % jitter. */
  baseDelayMs: number
  maxDelayMs: number
  /** A `Retry-After` longer than this fails at once (still retryable) instead of waiting. */
  maxRetryAfterMs: number
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {maxRetries: 3, baseDelayMs: 500, maxDelayMs: 8000, maxRetryAfterMs: 60_000}

export type SleepFn = (ms: number, signal?: AbortSignal) => Promise<void>

export const defaultSleep: SleepFn = async (ms, signal) => {
  await sleepTimer(ms, undefined, {signal})
}

export interface RetryDeps {
  sleep: SleepFn
  random: () => number
  signal?: AbortSignal
  onEvent?: (event: EngineEvent) => void
}

/** What a failed try said: the failure, and how long the server asked us to wait, if it did. */
export interface TryFailure {
  failure: EngineFailure
  retryAfterMs?: number
}

export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number): number {
  const base = Math.min(policy.baseDelayMs * 2 ** retry, policy.maxDelayMs)
  return Math.round(base * (1 - random() * 0.25))
}

/** Parses `retry-after-ms` or `Retry-After` (seconds or an HTTP date). */
export function parseRetryAfter(headers: {get(name: string): string | null} | undefined, now: number = Date.now()): number | undefined {
  if (!headers) return undefined
  const ms = headers.get('retry-after-ms')
  if (ms && !Number.isNaN(Number.parseFloat(ms))) return Math.max(0, Number.parseFloat(ms))
  const value = headers.get('retry-after')
  if (!value) return undefined
  const seconds = Number(value)
  if (!Number.isNaN(seconds)) return Math.max(0, seconds * 1000)
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/**
 * Runs `attempt` until it succeeds, fails with a non-retryable failure, or the retries run out.
 * `classify` turns what `attempt` threw into a TryFailure. Throws an EngineFailureError at the end.
 */
export async function withRetry<T>(
  attempt: (tryNumber: number) => Promise<T>,
  classify: (error: unknown) => TryFailure,
  policy: RetryPolicy,
  deps: RetryDeps,
): Promise<T> {
  for (let retry = 0; ; retry++) {
    try {
      return await attempt(retry)
    } catch (error) {
      const {failure, retryAfterMs} = classify(error)
      if (!failure.retryable || retry >= policy.maxRetries || deps.signal?.aborted) {
        const tries = retry + 1
        const message = failure.retryable && tries > 1 ? `${failure.message} (gave up after ${tries} tries)` : failure.message
        throw new EngineFailureError({...failure, message}, error)
      }
      if (retryAfterMs !== undefined && retryAfterMs > policy.maxRetryAfterMs) {
        throw new EngineFailureError(
          {...failure, message: `${failure.message} (the server asks to wait ${Math.ceil(retryAfterMs / 1000)} s, longer than the ${Math.ceil(policy.maxRetryAfterMs / 1000)} s cto waits)`},
          error,
        )
      }
      const delayMs = retryAfterMs ?? backoffDelay(retry, policy, deps.random)
      deps.onEvent?.({type: 'retry', attempt: retry + 1, delayMs, reason: failure.code})
      try {
        await deps.sleep(delayMs, deps.signal)
      } catch {
        // Aborted while waiting: the next loop turn sees the aborted signal through `attempt`.
      }
    }
  }
}
