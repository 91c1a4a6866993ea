/**
 * Which models can't be used right now, and why: engines that can't start (engine-check.ts) and
 * setup problems recorded when a call failed (availability-log.ts). `cto models list`, `cto status`,
 * `cto run` and the router ask here; a model listed is skipped, with the fix shown.
 */
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
  for (const m of enabled) {
    const now = start.get(m.name)
    const recorded = now ? undefined : log.problem(m)
    if (now) unavailable.set(m.name, {...now, since: null})
    else if (recorded) unavailable.set(m.name, recorded)
  }
  return {log, unavailable}
}
