/**
 * Phase 4: the next model after a failed or rejected attempt.
 *
 * 1. After `maxAttempts` (3) failed attempts the task is blocked.
 * 2. While the store has little evidence about escalations of this task type (fewer than
 *    `chainEvidence`, default 20, attempts recorded after a failure), a configured fallback chain
 *    decides: `fallback_chain[model]`, else `fallback_chain[group]` (the caller passes them: the
 *    config's, whose defaults the plugins' `escalatesTo` declarations give, see
 *    src/core/providers/catalog-policy.ts). Its first step that is untried and fits
 *    (enabled, key, tools if needed, group under budget) is next.
 * 3. Otherwise — evidence enough, no chain, or no step of it can run — the learned cascade planner
 *    decides (cascade-plan.ts): among the untried fitting models, Claude-group ones included, the
 *    one that starts the best plan for the attempts left, judged by how each model does after
 *    exactly these models failed (backed off to after each of them, to after any failure).
 * 4. Nothing left → blocked, saying why of each model (leftReason): a model that is enabled and
 *    has a key but can't be used (its endpoint is down) is what stopped the task, not "no key".
 */
import type {ModelGroup, TaskType} from '../providers/spec.js'
import type {PerfReader} from '../store/types.js'
import {planCascade, type CascadePlan} from './cascade-plan.js'
import {EMPTY_CASCADE_STATS, type CascadeStatsReader} from './cascade-stats.js'
import {DEFAULT_MAX_ATTEMPTS, type GroupBudgets, type RouteModel} from './route-model.js'
import type {RandomSource} from './seeded-random.js'
import {budgetStates, unfitReason, type BudgetState, type LearnedRouting} from './select-route.js'
import {groupReasons} from './routing-errors.js'

export {DEFAULT_MAX_ATTEMPTS} from './route-model.js'

/** None: the router names no model; chains come from the caller. */
export const DEFAULT_FALLBACK_CHAINS: Readonly<Record<string, readonly string[]>> = {}

/** Escalations of a task type the store must hold before the learned plan replaces a fallback chain. */
export const DEFAULT_CHAIN_EVIDENCE = 20

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
  /** What the router learned (default: nothing yet). */
  learned?: LearnedRouting
  /** Thompson draws for the learned plan; without it the posterior means decide. */
  random?: RandomSource
  /** Escalations of the type needed before the learned plan replaces a chain (default 20). */
  chainEvidence?: number
}

export type EscalationDecision =
  | {kind: 'escalate'; model: string; source: 'chain' | 'learned'; reason: string; plan?: CascadePlan}
  /** `limit`: the attempts a task may make are used up; `none_left`: no model is left that can take it. */
  | {kind: 'blocked'; reason: string; cause: 'limit' | 'none_left'}

const pct = (v: number) => `${(v * 100).toFixed(0)}%`

/**
 * Who picks the model after `model` fails on a task of `type`: its fallback chain
 * (`fallback_chain[model]`, else `fallback_chain[group]`) while the store has fewer than `needed`
 * escalations of the type, else the learned plan (also when no step of the chain can run then:
 * nextEscalation decides that at the time).
 */
export interface AfterFailure {
  by: 'chain' | 'plan'
  chain: readonly string[] | null
  /** Attempts of the type recorded after a failure, and how many the learned plan needs to take over. */
  escalations: number
  needed: number
}

export function afterFailure(o: {model: string; group?: ModelGroup; type: TaskType; chains?: Readonly<Record<string, readonly string[]>>; stats?: CascadeStatsReader; chainEvidence?: number}): AfterFailure {
  const chains = o.chains ?? DEFAULT_FALLBACK_CHAINS
  const chain = chains[o.model] ?? (o.group ? chains[o.group] : undefined) ?? null
  const escalations = (o.stats ?? EMPTY_CASCADE_STATS).position(o.type, '*', 'after').attempts
  const needed = o.chainEvidence ?? DEFAULT_CHAIN_EVIDENCE
  return {by: chain && chain.length > 0 && escalations < needed ? 'chain' : 'plan', chain, escalations, needed}
}

export function nextEscalation(options: EscalationOptions): EscalationDecision {
  const max = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS
  if (options.failedAttempts >= max) {
    // A clause, shown as "Blocked  …" and in the task's JSON: no "blocked" of its own, no brackets.
    return {kind: 'blocked', reason: `${options.failedAttempts} attempt${options.failedAttempts === 1 ? '' : 's'} failed, the most one task makes`, cause: 'limit'}
  }
  const budgets = budgetStates(options.perf, options.budgets)
  const tried = new Set(options.tried)
  const fitting = options.models.filter((m) => unfitReason(m, options.type, budgets) === undefined)
  const untried = fitting.filter((m) => !tried.has(m.name))
  const failed = options.models.find((m) => m.name === options.failedModel)
  const stats = options.learned?.stats ?? EMPTY_CASCADE_STATS
  const after = afterFailure({model: options.failedModel, group: failed?.group, type: options.type, chains: options.fallbackChains, stats, chainEvidence: options.chainEvidence})
  const {escalations, needed} = after
  const chain = after.chain ?? undefined

  if (after.by === 'chain' && chain) {
    for (const step of chain) {
      const model = untried.find((m) => m.name === step)
      if (model) {
        return {kind: 'escalate', model: model.name, source: 'chain', reason: `fallback chain of ${options.failedModel}: ${chain.join(' → ')} (the store has ${escalations} of the ${needed} ${options.type} escalations it needs to plan its own)`}
      }
    }
  }

  if (untried.length === 0) return {kind: 'blocked', reason: leftReason(options.models, tried, options.type, budgets), cause: 'none_left'}
  const plan = planCascade({
    type: options.type,
    models: fitting,
    next: untried.map((m) => m.name),
    failed: [...tried],
    attemptsLeft: max - options.failedAttempts,
    stats,
    perf: options.perf,
    features: options.learned?.features,
    random: options.random,
    params: options.learned?.params,
    reviewCostUsd: options.learned?.reviewCostUsd,
  })
  const top = plan.candidates.find((c) => c.model === plan.steps[0]) ?? plan.candidates[0]
  if (!top) return {kind: 'blocked', reason: leftReason(options.models, tried, options.type, budgets), cause: 'none_left'}
  const why = !chain
    ? `no fallback chain for ${options.failedModel}`
    : escalations >= needed
      ? `the store has ${escalations} ${options.type} escalations, enough to plan past the chain`
      : `no step of ${options.failedModel}'s chain (${chain.join(' → ')}) can run`
  return {
    kind: 'escalate',
    model: top.model,
    source: 'learned',
    reason: `${why}: learned plan ${plan.steps.join(' → ')} (${top.model} ${pct(top.predicted_success)} after ${[...tried].join(', ')} failed, over ${top.evidence} such attempts; $${top.cost_usd.toPrecision(2)}/call)`,
    plan,
  }
}

/**
 * Why no model is left to try, model by model and grouped ("deepseek, minimax can't be used:
 * nothing answers at … (connection refused); gpt-4, glm have no key"): what stopped the task first
 * (models that can't be used, can't call tools or are over budget), then the models that already
 * failed on it, then the ones without a key or disabled.
 */
export function leftReason(models: readonly RouteModel[], tried: ReadonlySet<string>, type: TaskType, budgets: BudgetState[]): string {
  const rank = (r: string) => (/ already failed on it$/.test(r) ? 1 : / has no key$/.test(r) ? 2 : / is disabled$/.test(r) ? 3 : 0)
  const reasons = models
    .map((m) => unfitReason(m, type, budgets) ?? (tried.has(m.name) ? `${m.name} already failed on it` : undefined))
    .filter((r): r is string => r !== undefined)
    .map((r, i) => ({r, i}))
    .sort((a, b) => rank(a.r) - rank(b.r) || a.i - b.i)
    .map((x) => x.r)
  return reasons.length === 0 ? 'no model is left to try' : `no model is left to try: ${groupReasons(reasons).join('; ')}`
}
