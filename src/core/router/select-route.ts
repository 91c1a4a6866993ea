/**
 * Phase 2 of `cto task`: the cost-aware override of the CTO's choice, and the cascade plan.
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
 * under its daily token budget. When the CTO's choice does not fit it is replaced by a choice
 * among the fitting models of its group, else of the other group; nothing fits → NoUsableModelError.
 *
 * Where a rule leaves a pool to choose from, the learned cascade planner (cascade-plan.ts) picks:
 * the model that starts the plan with the best expected accuracy per expected cost, where the
 * plan's later steps (what follows a failure) may be any fitting model, Claude-group ones
 * included. With the injected `random` it explores: by value of information (the default; no
 * draws, the same store gives the same pick) or, with `voiHorizon` 0, by Thompson draws from the
 * posteriors (`--seed` makes them reproducible); either fades as evidence grows. Where the CTO's
 * choice stands, the plan starts with it and says what would follow.
 */
import type {Complexity, ModelGroup, TaskType} from '../providers/spec.js'
import type {PerfReader} from '../store/types.js'
import {planCascade, type CascadePlan, type PlanCandidate, type PlanParams} from './cascade-plan.js'
import {EMPTY_CASCADE_STATS, type CascadeStatsReader} from './cascade-stats.js'
import {DEFAULT_MAX_ATTEMPTS, type GroupBudgets, type RouteModel, isResearchOnly, needsTools} from './route-model.js'
import {NoUsableModelError} from './routing-errors.js'
import type {RandomSource} from './seeded-random.js'

/** What the router has learned, and about which task: handed to selectRoute and nextEscalation. */
export interface LearnedRouting {
  stats: CascadeStatsReader
  /** The task's hashed features (taskFeatures). */
  features?: readonly number[]
  params?: Partial<PlanParams>
  /** What the CTO's review of one attempt costs (USD): every attempt pays it. */
  reviewCostUsd?: number
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
  /** The pool the planner chose from, best plan first (empty when the CTO's choice stood). */
  candidates: PlanCandidate[]
  /** The cascade planned from here (absent when --model skipped routing). */
  plan?: CascadePlan
  budgets: BudgetState[]
}

export interface SelectRouteOptions {
  classification: {complexity: Complexity; type: TaskType}
  /** The CTO's pick (a model name). */
  ctoChoice: string
  /** Who made that pick: the CTO model (default), or the local heuristic when no CTO could be asked (said so in the reason). */
  pickedBy?: 'cto' | 'heuristic'
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
  /** What the router learned (default: nothing yet; the store's per-type totals still inform it). */
  learned?: LearnedRouting
  /** Attempts a task may make (default 3): how far the plan reaches. */
  maxAttempts?: number
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
  const plan = (next: readonly string[], withRandom: boolean): CascadePlan => {
    return planCascade({
      type,
      models: fitting,
      next,
      attemptsLeft: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      stats: options.learned?.stats ?? EMPTY_CASCADE_STATS,
      perf,
      features: options.learned?.features,
      random: withRandom ? random : undefined,
      params: options.learned?.params,
      reviewCostUsd: options.learned?.reviewCostUsd,
    })
  }
  const keep = (rule: OverrideRule): RouteDecision => ({...base, selected: ctoChoice, overridden: false, rule, candidates: [], plan: plan([ctoChoice], false)})
  const draw = (rule: OverrideRule, pool: RouteModel[], reason: string): RouteDecision => {
    const p = plan(pool.map((m) => m.name), true)
    const pick = p.steps[0] ?? (pool[0] as RouteModel).name
    return {...base, selected: pick, overridden: pick !== ctoChoice, rule, override_reason: reason, candidates: p.candidates, plan: p}
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
      const who = options.pickedBy === 'heuristic' ? 'the local heuristic' : 'the CTO'
      return draw('routine_to_external', externalPool, `${complexity} task ${who} gave to Claude model ${ctoChoice}: sent to an external model`)
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
