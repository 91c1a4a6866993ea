/**
 * Which models can't be used right now, and why: engines that can't start (engine-check.ts) and
 * setup problems recorded when a call failed (availability-log.ts). `cto models list`, `cto status`,
 * `cto run` and the router ask here; a model listed is skipped, with the fix shown.
 */
import {connect} from 'node:net'
import type {ResolvedModel} from '../providers/resolve.js'
import {AvailabilityLog, type Unavailable} from './availability-log.js'
import {engineStartProblems} from './engine-check.js'

export interface ModelAvailability {
  log: AvailabilityLog
  /** Model name → why it can't be used. Models not in it are available as far as cto knows. */
  unavailable: Map<string, Unavailable>
}

export async function modelAvailability(models: readonly ResolvedModel[], env: NodeJS.ProcessEnv): Promise<ModelAvailability> {
  const enabled = models.filter((m) => m.enabled)
  const [log, start] = await Promise.all([AvailabilityLog.open({env}), engineStartProblems(enabled, env)])
  const unavailable = new Map<string, Unavailable>()
  const recheck: Array<Promise<void>> = []
  for (const m of enabled) {
    const now = start.get(m.name)
    const recorded = now ? undefined : log.problem(m)
    if (now) unavailable.set(m.name, {...now, since: null})
    else if (recorded && ENDPOINT_PROBLEMS.has(recorded.code) && m.baseURL) {
      // The fix said "start the server": once something answers there, don't keep the model out for
      // the rest of the hold. The next call's result is recorded as usual.
      const url = m.baseURL
      recheck.push(
        endpointAccepts(url).then((ok) => {
          if (!ok) unavailable.set(m.name, recorded)
        }),
      )
    } else if (recorded) unavailable.set(m.name, recorded)
  }
  await Promise.all(recheck)
  return {log, unavailable}
}

/** Problems of an endpoint that did not answer: held for a while, but checked again on every use. */
const ENDPOINT_PROBLEMS = new Set(['connection_refused', 'dns_failed'])
const PROBE_TIMEOUT_MS = 300

/**
 * Does something accept a TCP connection at the URL's host and port now (within 300 ms)? Only the
 * connection: no request is sent, no key. A refused port or an unknown host answers at once; a
 * host that drops packets costs the timeout, and only while a problem is recorded for it.
 */
export function endpointAccepts(baseURL: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<boolean> {
  let url: URL
  try {
    url = new URL(baseURL)
  } catch {
    return Promise.resolve(false)
  }
  const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80)
  const host = url.hostname.replace(/^\[|\]$/g, '')
  return new Promise((resolve) => {
    const socket = connect({host, port})
    const done = (ok: boolean) => {
      clearTimeout(timer)
      socket.destroy()
      resolve(ok)
    }
    const timer = setTimeout(() => done(false), timeoutMs)
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}
