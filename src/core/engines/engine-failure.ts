/**
 * Failures inside an engine. Engines never throw from `run()`: they return a result whose `error`
 * is an EngineFailure. Inside, code throws an EngineFailureError and the engine turns it into the
 * result at the end. `retryable` means "the same request may succeed if tried again" (rate limits,
 * timeouts, 5xx, dropped connections); the router escalates on any failure.
 */
import {CtoError} from '../errors.js'
import {redact} from './redact.js'
import type {EngineFailure} from './types.js'

export class EngineFailureError extends CtoError {
  readonly failure: EngineFailure
  constructor(failure: EngineFailure, cause?: unknown) {
    super({code: 'ENGINE_FAILED', message: failure.message, cause})
    this.name = 'EngineFailureError'
    this.failure = failure
  }
}

const retryableStatus = (status: number) => status === 408 || status === 409 || status === 429 || status >= 500

/** The failure for an HTTP status from a provider. 429 is `rate_limited`, the rest `http_<status>`. */
export function failureFromStatus(status: number, detail: string, model: string): EngineFailure {
  const hint =
    status === 401 || status === 403
      ? ` Check the key for ${model}: run "cto keys set ${model}".`
      : status === 404
        ? ` Check the model id and base URL of ${model} ("cto models show ${model}").`
        : ''
  return {
    code: status === 429 ? 'rate_limited' : `http_${status}`,
    message: `${model}: HTTP ${status}${detail ? `: ${detail}` : ''}.${hint}`,
    retryable: retryableStatus(status),
    statusCode: status,
  }
}

/** Masks keys in a failure's message: the model's own key and anything key-shaped. */
export function redactFailure(failure: EngineFailure, secrets: Array<string | undefined>): EngineFailure {
  return {...failure, message: redact(failure.message, secrets)}
}

/** Turns anything thrown inside an engine into an EngineFailure. */
export function toFailure(error: unknown): EngineFailure {
  if (error instanceof EngineFailureError) return error.failure
  const message = error instanceof Error ? error.message : String(error)
  return {code: 'internal_error', message: `Engine failed unexpectedly: ${message}`, retryable: false}
}
