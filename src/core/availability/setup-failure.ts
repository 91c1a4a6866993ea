/**
 * Failures of the setup, not of the model: the engine can't start (Claude Code missing), there is
 * no usable key (401/403, not logged in), or nothing answers at the endpoint (connection refused,
 * unknown host). Such a failure says nothing about how well the model does a task type, so it is
 * never recorded as the model's success or failure: it becomes an availability event (see
 * availability-log.ts), the model is skipped, and the user is told the fix. A timeout, a 5xx, a 429
 * or a stream that broke off still count against the model, as before.
 */
import type {EngineFailure} from '../engines/types.js'
import {clause} from '../cli/clause.js'
import {configKeyArg} from '../cli/config-key-arg.js'

export interface SetupProblem {
  /** The engine's failure code: `claude_not_found`, `http_401`, `connection_refused`, ... */
  code: string
  /** What is wrong, in words. */
  reason: string
  /** What to do about it. */
  fix: string
}

export const SETUP_FAILURE_CODES = ['claude_not_found', 'spawn_failed', 'claude_not_logged_in', 'no_endpoint', 'http_401', 'http_403', 'connection_refused', 'dns_failed'] as const

/** The setup problem an engine failure reveals, or undefined when it is the model's own failure. */
export function setupProblem(model: string, failure: EngineFailure | undefined): SetupProblem | undefined {
  if (!failure || !(SETUP_FAILURE_CODES as readonly string[]).includes(failure.code)) return undefined
  const key = `Set a key with "cto keys set ${model}".`
  switch (failure.code) {
    case 'claude_not_found':
    case 'spawn_failed':
      return {code: failure.code, reason: failure.message, fix: 'Install Claude Code with "npm install -g @anthropic-ai/claude-code", or set CTO_CLAUDE_BIN to its path.'}
    case 'claude_not_logged_in':
      return {code: failure.code, reason: failure.message, fix: `${key} Or log in with "claude /login".`}
    case 'http_401':
    case 'http_403':
      return {code: failure.code, reason: `the provider refused the key (HTTP ${failure.code.slice(5)})`, fix: `${key} Check it is the key for this endpoint ("cto models show ${model}").`}
    case 'dns_failed':
      // Most often no network at all (the plugin's own endpoint, offline), else a mistyped host.
      return {code: failure.code, reason: clause(failure.message, model), fix: `Check your network connection, or set the endpoint: cto config set ${configKeyArg('provider_endpoints', model, 'api_url')} <url>`}
    default:
      return {code: failure.code, reason: clause(failure.message, model), fix: `Start the server, or set the endpoint: cto config set ${configKeyArg('provider_endpoints', model, 'api_url')} <url>`}
  }
}
