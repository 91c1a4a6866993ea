/**
 * Phase 4: the next model after a failed or rejected attempt.
 *
 * 1. After `maxAttempts` (3) failed attempts the task is blocked.
 * 2. The fallback chain of the failed model: `fallback_chain[model]`, else `fallback_chain[group]`
 *    (the caller passes them: the config's, whose defaults the plugins' `escalatesTo` declarations
 *    give, see src/core/providers/catalog-policy.ts). Its first step that is untried and fits
 *    (enabled, key, tools if needed, group under budget) is next.
 * 3. Where no chain is configured, or no step of it fits: the store decides ("fallback chain
 *    optimisation"): the untried fitting model with the best recorded success for the task type
 *    (Laplace-smoothed, (s + 1) / (n + 2)), cheaper first at equal success. Success rates within
 *    `successTolerance` of the best count as equal (default 0.10), so a much cheaper model that is
 *    nearly as good goes first; for the last allowed attempt `lastAttemptTolerance` (default 0.05)
 *    applies instead: the last try goes to (nearly) the best.
 * 4. Nothing left → blocked.
 */
import type {ModelGroup, TaskType} from '../providers/spec.js'
import type {PerfReader} from '../store/types.js'
import {estimateCallCost, smoothedSuccess} from './cost-estimate.js'
import type {GroupBudgets, RouteModel} from './route-model.js'
import {budgetStates, unfitReason} from './weighted-selection.js'

/** None: the router names no model; chains come from the caller. */
export const DEFAULT_FALLBACK_CHAINS: Readonly<Record<string, readonly string[]>> = {}

export const DEFAULT_MAX_ATTEMPTS = 3
export const DEFAULT_SUCCESS_TOLERANCE = 0.1
export const DEFAULT_LAST_ATTEMPT_TOLERANCE = 0.05

export interface EscalationOptions {
  /** The model whose attempt just failed. */
  failedModel: string
  /** Every model tried for this task so far, the failed one included. */
  tried: readonly string[]
  /** Failed attempts so far, this one included. */
  failedAttempts: number
  type: TaskType
  models: readonly RouteModel[]
  perf: PerfReader
  /** Config `fallback_chain` (keys: model names or a group name). Default DEFAULT_FALLBACK_CHAINS. */
  fallbackChains?: Readonly<Record<string, readonly string[]>>
  budgets?: GroupBudgets
  maxAttempts?: number
  /** Success rates within this of the best count as equal (default 0.10). */
  successTolerance?: number
  /** The same for the last allowed attempt (default 0.05). */
  lastAttemptTolerance?: number
}

export interface StoreRanked {
  model: string
  success_rate: number
  attempts: number
  cost_usd: number
}

export type EscalationDecision =
  | {kind: 'escalate'; model: string; source: 'chain' | 'store'; reason: string; ranking?: StoreRanked[]}
  | {kind: 'blocked'; reason: string}

/** The untried fitting models ranked as the store says: best success first, cheaper first among equals. */
export function rankByRecordedSuccess(
  pool: readonly RouteModel[],
  type: TaskType,
  perf: PerfReader,
  successTolerance = 0,
): StoreRanked[] {
  const rows = pool.map((m) => {
    const s = smoothedSuccess(perf, m.name, type)
    return {model: m.name, success_rate: s.rate, attempts: s.attempts, cost_usd: estimateCallCost(m, perf, type)}
  })
  const ranked: StoreRanked[] = []
  const rest = [...rows]
  while (rest.length > 0) {
    const best = Math.max(...rest.map((r) => r.success_rate))
    const equals = rest.filter((r) => r.success_rate >= best - successTolerance - 1e-12)
    equals.sort((a, b) => a.cost_usd - b.cost_usd || b.success_rate - a.success_rate || a.model.localeCompare(b.model))
    const pick = equals[0] as StoreRanked
    ranked.push(pick)
    rest.splice(rest.indexOf(pick), 1)
  }
  return ranked
}

export function nextEscalation(options: EscalationOptions): EscalationDecision {
  const max = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS
  if (options.failedAttempts >= max) {
    return {kind: 'blocked', reason: `blocked after ${options.failedAttempts} failed attempt${options.failedAttempts === 1 ? '' : 's'} (limit ${max})`}
  }
  const budgets = budgetStates(options.perf, options.budgets)
  const tried = new Set(options.tried)
  const fits = (m: RouteModel) => !tried.has(m.name) && unfitReason(m, options.type, budgets) === undefined
  const failed = options.models.find((m) => m.name === options.failedModel)
  const chains = options.fallbackChains ?? DEFAULT_FALLBACK_CHAINS
  const group: ModelGroup | undefined = failed?.group
  const chain = chains[options.failedModel] ?? (group ? chains[group] : undefined)

  if (chain) {
    for (const step of chain) {
      const model = options.models.find((m) => m.name === step)
      if (model && fits(model)) {
        return {kind: 'escalate', model: model.name, source: 'chain', reason: `fallback chain of ${options.failedModel}: ${chain.join(' → ')}`}
      }
    }
  }

  const pool = options.models.filter(fits)
  if (pool.length === 0) return {kind: 'blocked', reason: 'no untried model is enabled, has a key and is within budget'}
  const last = options.failedAttempts + 1 >= max
  const tolerance = last
    ? (options.lastAttemptTolerance ?? DEFAULT_LAST_ATTEMPT_TOLERANCE)
    : (options.successTolerance ?? DEFAULT_SUCCESS_TOLERANCE)
  const ranking = rankByRecordedSuccess(pool, options.type, options.perf, tolerance)
  const top = ranking[0] as StoreRanked
  const why = chain ? `no step of ${options.failedModel}'s chain (${chain.join(' → ')}) can run` : `no fallback chain for ${options.failedModel}`
  return {
    kind: 'escalate',
    model: top.model,
    source: 'store',
    reason: `${why}: best recorded success for ${options.type} (${(top.success_rate * 100).toFixed(0)}% over ${top.attempts} attempt${top.attempts === 1 ? '' : 's'}, $${top.cost_usd.toPrecision(2)}/call)`,
    ranking,
  }
}
