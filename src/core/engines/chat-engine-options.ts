import {DEFAULT_RETRY_POLICY, defaultSleep, type RetryPolicy, type SleepFn} from './retry.js'

/** Collaborators and limits of the engines that speak chat completions (`text`, `openai-tools`). */
export interface ChatEngineOptions {
  /** Waits between retries (tests pass one that records and returns at once). */
  sleep?: SleepFn
  /** Jitter source for backoff, 0 ≤ x < 1. */
  random?: () => number
  now?: () => number
  retry?: Partial<RetryPolicy>
  /** Timeout of one HTTP request, streamed body included. Default 120 s (the spec's default). */
  requestTimeoutMs?: number
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 120_000

export interface ResolvedChatOptions {
  sleep: SleepFn
  random: () => number
  now: () => number
  retry: RetryPolicy
  requestTimeoutMs: number
}

export function resolveChatOptions(options: ChatEngineOptions = {}): ResolvedChatOptions {
  return {
    sleep: options.sleep ?? defaultSleep,
    random: options.random ?? Math.random,
    now: options.now ?? Date.now,
    retry: {...DEFAULT_RETRY_POLICY, ...options.retry},
    requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
  }
}
