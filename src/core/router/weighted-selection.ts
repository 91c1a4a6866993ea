/**
 * Phase 2 of `cto task`: the cost-aware override of the CTO's choice.
 *
 * Rules, in order (only when cost optimisation is on and the strategy is `cost_aware`):
 *   1. escalations are never overridden;
 *   2. email tasks are never overridden;
 *   3. complex tasks the CTO gave to a protected model (default: opus) are never overridden;
 *   4. research tasks go to research-only models (engine `text`); when none fits, the next rule applies;
 *   5. simple and moderate tasks the CTO gave to a Claude model go to external models
 *      (config `prefer_external_for_routine`, default on);
 *   otherwise the CTO's choice stands.
 * Whatever the rules say, a model is only chosen when it fits: enabled, with a key (or needing
 * none), tool-capable when the type needs tools (bash_command, coding, deployment), and its group
 * under its daily token budget. When the CTO's choice does not fit it is replaced by a weighted
 * choice among the fitting models of its group, else of the other group; nothing fits → NoUsableModelError.
 *
 * Weight of candidate i for task type t (all numbers from the PerfReader, no scan):
 *   n_i  = attempts of i on t,  s_i = successes of i on t
 *   q_i  = (s_i + 1) / (n_i + 2)                    Laplace-smoothed success rate (0.5 with no data)
 *   c_i  = recorded mean cost per call of i (on t, else on any type), else its price list
 *   k_i  = ((min_j c_j + F) / (c_i + F)) ^ G        cost factor: 1 for the cheapest, < 1 for dearer
 *   x_i  = E / (n_i + 1)                            exploration bonus: large with little history
 *   w_i  = q_i ^ P × k_i + x_i
 * and i is drawn with probability w_i / Σ_j w_j (`random` injected; `--seed` makes it reproducible).
 * Defaults: P = 4 (sharpens differences in success), G = 1, E = 0.1, F = $0.00001.
 * The exploration bonus is deliberately not scaled by cost: every model, dear ones included, gets
 * a few first attempts early on, so the store learns its success rate for the type (escalation
 * relies on it); it fades as 1/(n+1). Afterwards the models that succeed at this type for little
 * money take most of the work, and no model's chance ever drops to zero.
 */
import type {Complexity, ModelGroup, TaskType} from '../providers/spec.js'
import type {PerfReader} from '../store/types.js'
import {estimateCallCost, smoothedSuccess} from './cost-estimate.js'
import {type GroupBudgets, type RouteModel, isResearchOnly, needsTools} from './route-model.js'
import {NoUsableModelError} from './routing-errors.js'
import type {RandomSource} from './seeded-random.js'

export interface WeightParams {
  /** P: exponent on the smoothed success rate. */
  successExponent: number
  /** E: size of the exploration bonus. */
  exploration: number
  /** G: exponent on the cost ratio. */
  costExponent: number
  /** F: dollars added to every cost before the ratio, so free (local) models don't take all. */
  costFloorUsd: number
}

export const DEFAULT_WEIGHT_PARAMS: WeightParams = {successExponent: 4, exploration: 0.1, costExponent: 1, costFloorUsd: 0.00001}

export interface CandidateWeight {
  model: string
  weight: number
  /** weight / Σ weights. */
  probability: number
  attempts: number
  successes: number
  /** q: smoothed success rate. */
  success_rate: number
  /** x: exploration bonus. */
  exploration: number
  /** c: expected cost of one call, USD. */
  cost_usd: number
  /** k: cost factor. */
  cost_factor: number
}

export interface BudgetState {
  group: ModelGroup
  tokens_today: number
  budget?: number
  over: boolean
}

export type OverrideRule =
  | 'kept'
  | 'strategy_off'
  | 'escalation'
  | 'email'
  | 'complex_on_protected'
  | 'research_only'
  | 'routine_to_external'
  | 'cto_choice_unusable'

export interface RouteDecision {
  cto_choice: string
  selected: string
  overridden: boolean
  rule: OverrideRule
  override_reason?: string
  /** The weighted pool the selection was drawn from (empty when the CTO's choice stood). */
  candidates: CandidateWeight[]
  budgets: BudgetState[]
}

export interface SelectRouteOptions {
  classification: {complexity: Complexity; type: TaskType}
  /** The CTO's pick (a model name). */
  ctoChoice: string
  models: readonly RouteModel[]
  perf: PerfReader
  random: RandomSource
  budgets?: GroupBudgets
  /** cost_optimization.enabled (default true). */
  costOptimization?: boolean
  /** model_selection_strategy (default cost_aware). */
  strategy?: 'cost_aware' | 'cto_choice'
  /** cost_optimization.prefer_external_for_routine (default true). */
  preferExternalForRoutine?: boolean
  /** This pick is an escalation: never overridden. */
  escalation?: boolean
  /** Complex tasks on these models are never overridden (the models that declare `protected`; default none). */
  protectedModels?: readonly string[]
  weights?: Partial<WeightParams>
}

export function budgetStates(perf: PerfReader, budgets: GroupBudgets = {}): BudgetState[] {
  return (['claude', 'external'] as const).map((group) => {
    const tokens = perf.tokensToday(group)
    const budget = budgets[group]
    return {group, tokens_today: tokens, budget, over: budget !== undefined && tokens >= budget}
  })
}

/** Why a model can't take a task of this type, or undefined when it can. */
export function unfitReason(model: RouteModel, type: TaskType, budgets: BudgetState[]): string | undefined {
  if (!model.enabled) return `${model.name} is disabled`
  if (!model.hasKey) return `${model.name} has no key`
  if (model.unavailable) return `${model.name} can't be used: ${model.unavailable}`
  if (needsTools(type) && !model.supportsTools) return `${model.name} can't call tools, which ${type} needs`
  const b = budgets.find((s) => s.group === model.group)
  if (b?.over) return `${model.name}'s group ${model.group} is over its daily budget (${b.tokens_today}/${b.budget} tokens)`
  return undefined
}

/** The weights of a pool of candidates (see the formula at the top of this file). */
export function candidateWeights(
  pool: readonly RouteModel[],
  type: TaskType,
  perf: PerfReader,
  params: Partial<WeightParams> = {},
): CandidateWeight[] {
  const p = {...DEFAULT_WEIGHT_PARAMS, ...params}
  const rows = pool.map((model) => {
    const s = smoothedSuccess(perf, model.name, type)
    return {model: model.name, s, cost: estimateCallCost(model, perf, type)}
  })
  const minCost = Math.min(...rows.map((r) => r.cost))
  const weights = rows.map((r) => {
    const exploration = p.exploration / (r.s.attempts + 1)
    const costFactor = ((minCost + p.costFloorUsd) / (r.cost + p.costFloorUsd)) ** p.costExponent
    const weight = r.s.rate ** p.successExponent * costFactor + exploration
    return {
      model: r.model,
      weight,
      probability: 0,
      attempts: r.s.attempts,
      successes: r.s.successes,
      success_rate: r.s.rate,
      exploration,
      cost_usd: r.cost,
      cost_factor: costFactor,
    }
  })
  const total = weights.reduce((sum, w) => sum + w.weight, 0)
  for (const w of weights) w.probability = total > 0 ? w.weight / total : 1 / weights.length
  return weights
}

/** Draws one candidate with probability proportional to its weight. */
export function drawWeighted(candidates: readonly CandidateWeight[], random: RandomSource): CandidateWeight {
  if (candidates.length === 0) throw new RangeError('drawWeighted needs at least one candidate')
  const total = candidates.reduce((sum, c) => sum + c.weight, 0)
  if (!(total > 0)) return candidates[Math.floor(random() * candidates.length)] as CandidateWeight
  let r = random() * total
  for (const c of candidates) {
    r -= c.weight
    if (r < 0) return c
  }
  return candidates[candidates.length - 1] as CandidateWeight
}

export function selectRoute(options: SelectRouteOptions): RouteDecision {
  const {classification, ctoChoice, models, perf, random} = options
  const {type, complexity} = classification
  const budgets = budgetStates(perf, options.budgets)
  const fitting = models.filter((m) => unfitReason(m, type, budgets) === undefined)
  const cto = models.find((m) => m.name === ctoChoice)
  const ctoUnfit = cto ? unfitReason(cto, type, budgets) : `${ctoChoice} is not a known model`
  const costAware = (options.costOptimization ?? true) && (options.strategy ?? 'cost_aware') === 'cost_aware'
  const protectedModels = options.protectedModels ?? []

  const base = {cto_choice: ctoChoice, budgets}
  const keep = (rule: OverrideRule): RouteDecision => ({...base, selected: ctoChoice, overridden: false, rule, candidates: []})
  const draw = (rule: OverrideRule, pool: RouteModel[], reason: string): RouteDecision => {
    const candidates = candidateWeights(pool, type, perf, options.weights)
    const pick = drawWeighted(candidates, random)
    return {...base, selected: pick.model, overridden: pick.model !== ctoChoice, rule, override_reason: reason, candidates}
  }

  // Rules that keep the CTO's choice (when it fits).
  let rule: OverrideRule | undefined
  if (!costAware) rule = 'strategy_off'
  else if (options.escalation) rule = 'escalation'
  else if (type === 'email') rule = 'email'
  else if (complexity === 'complex' && protectedModels.includes(ctoChoice)) rule = 'complex_on_protected'

  if (rule === undefined) {
    const researchPool = type === 'research' ? fitting.filter(isResearchOnly) : []
    if (researchPool.length > 0) {
      return draw('research_only', researchPool, 'research task: sent to a research-only (text) model')
    }
    const routine = complexity !== 'complex' && cto?.group === 'claude' && (options.preferExternalForRoutine ?? true)
    const externalPool = fitting.filter((m) => m.group === 'external')
    if (routine && externalPool.length > 0) {
      return draw('routine_to_external', externalPool, `${complexity} task the CTO gave to Claude model ${ctoChoice}: sent to an external model`)
    }
    rule = 'kept'
  }

  if (ctoUnfit === undefined) return keep(rule)

  // The CTO's choice can't run: same group first, then the other group, then refuse.
  const sameGroup = fitting.filter((m) => m.group === cto?.group)
  const pool = sameGroup.length > 0 ? sameGroup : fitting
  if (pool.length === 0) {
    const reasons = models.map((m) => unfitReason(m, type, budgets)).filter((r): r is string => r !== undefined)
    throw new NoUsableModelError(`${type} task`, reasons.length > 0 ? reasons : ['no models are configured'])
  }
  const where = sameGroup.length > 0 ? `another ${cto?.group} model` : `the ${pool[0]?.group === 'claude' ? 'claude' : 'other'} group`
  return draw('cto_choice_unusable', pool, `${ctoUnfit}: sent to ${where}`)
}
