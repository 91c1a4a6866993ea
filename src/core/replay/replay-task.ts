/**
 * One RouterBench row as a task: the replay's adapter around the router `cto task` uses.
 *
 * classify (type from eval_name or the heuristic, complexity from the heuristic, the CTO's pick a
 * fixed model) → selectRoute (the same rules and cascade planner as `cto task`, with the learned
 * state) → attempt (the model's recorded score is its answer) → review (perfect, or noisy: the
 * verdict flips with chance p) → record (the performance store) and observe (the learned state,
 * through observationFromAttempt, as `cto task` does) → nextEscalation on a failure, blocked
 * after the limit. The CTO's classification and reviews are priced apart (cto-pricing.ts).
 *
 * Everything that decides lives in src/core/router/; this file only scripts the engine and the
 * review. Phase B replaces it with the task loop `cto task` runs, driven by a scripted engine.
 */
import type {Complexity, TaskType} from '../providers/spec.js'
import type {PlanParams} from '../router/cascade-plan.js'
import {observationFromAttempt, type CascadeStatsReader, type CascadeStatsWriter} from '../router/cascade-stats.js'
import {nextEscalation} from '../router/escalation.js'
import {classifyTask} from '../router/heuristic-classifier.js'
import type {RouteModel} from '../router/route-model.js'
import type {RandomSource} from '../router/seeded-random.js'
import {selectRoute} from '../router/select-route.js'
import {taskFeatures} from '../router/task-features.js'
import type {AttemptRecord, PerfReader} from '../store/types.js'
import {classificationCost, reviewCost, type CtoPricing} from './cto-pricing.js'
import type {AttemptRecorder} from './memory-perf-store.js'
import type {ReviewMode} from './replay-types.js'
import type {BenchRow} from './routerbench-file.js'
import {taskTypeFor, type TypeSource} from './task-type-map.js'

export interface ReplayTaskContext {
  models: readonly RouteModel[]
  /** The replay's stand-in for the CTO's pick of a worker. */
  ctoChoice: string
  perf: PerfReader & AttemptRecorder
  learned: CascadeStatsReader & CascadeStatsWriter
  plan?: Partial<PlanParams>
  /** Routing draws. */
  random: RandomSource
  /** Review noise. */
  reviewRandom: RandomSource
  review: ReviewMode
  types: TypeSource
  complexity?: 'heuristic' | Complexity
  maxAttempts?: number
  fallbackChains?: Record<string, string[]>
  chainEvidence?: number
  cto: CtoPricing
  /** Plan with the CTO's review of each attempt as part of its cost (default true). */
  reviewOverhead?: boolean
  /** Time of the next attempt record (ms), advanced by the replay. */
  tick: () => number
}

export interface RowOutcome {
  row: BenchRow
  type: TaskType
  complexity: Complexity
  correct: boolean
  cost: number
  ctoCost: number
  ctoCalls: number
  calls: string[]
  blocked: boolean
  overridden: boolean
  wrongApproved: number
  rightRejected: number
}

export async function replayTask(row: BenchRow, ctx: ReplayTaskContext): Promise<RowOutcome> {
  const type = taskTypeFor(row.evalName, row.prompt, ctx.types)
  const complexity = ctx.complexity === undefined || ctx.complexity === 'heuristic' ? classifyTask(row.prompt).complexity : ctx.complexity
  const features = taskFeatures(row.prompt)
  const learned = {stats: ctx.learned, features, params: ctx.plan, reviewCostUsd: ctx.reviewOverhead === false ? 0 : reviewCost(ctx.cto, row.prompt, type, '')}
  const outcome: RowOutcome = {row, type, complexity, correct: false, cost: 0, ctoCost: 0, ctoCalls: 0, calls: [], blocked: false, overridden: false, wrongApproved: 0, rightRejected: 0}
  outcome.ctoCost += classificationCost(ctx.cto, row.prompt, ctx.perf)
  outcome.ctoCalls += 1
  const route = selectRoute({classification: {type, complexity}, ctoChoice: ctx.ctoChoice, models: ctx.models, perf: ctx.perf, random: ctx.random, learned, maxAttempts: ctx.maxAttempts})
  outcome.overridden = route.overridden
  const taskId = `${row.file}:${row.sampleId}:${row.line}`
  let model = route.selected
  for (let step = 0; ; step++) {
    const score = row.scores[model]
    const ok = score !== undefined
    const cost = row.costs[model] ?? 0
    let approved: boolean | undefined
    if (ok) {
      approved = ctx.review.kind === 'perfect' || ctx.reviewRandom() >= ctx.review.p ? score === 1 : score !== 1
      outcome.ctoCost += reviewCost(ctx.cto, row.prompt, type, model)
      outcome.ctoCalls += 1
      if (approved && score !== 1) outcome.wrongApproved += 1
      if (!approved && score === 1) outcome.rightRejected += 1
    }
    const failedBefore = [...outcome.calls]
    outcome.calls.push(model)
    outcome.cost += cost
    const record: AttemptRecord = {
      time: new Date(ctx.tick()).toISOString(),
      task_id: taskId,
      task_hash: taskId.slice(0, 16),
      task_excerpt: row.prompt.slice(0, 80),
      task_type: type,
      complexity,
      cto_choice: ctx.ctoChoice,
      model,
      group: ctx.models.find((m) => m.name === model)?.group ?? 'external',
      override_reason: step === 0 ? route.override_reason : undefined,
      engine: 'openai-tools',
      success: ok,
      approved,
      escalation_step: step,
      input_tokens: 0,
      output_tokens: 0,
      cost_usd: cost,
      duration_ms: 0,
      error_class: ok ? (approved ? undefined : 'rejected') : 'no_result',
    }
    await ctx.perf.record(record)
    ctx.learned.observe(observationFromAttempt(record, {failed_before: failedBefore, features}))
    if (approved) {
      outcome.correct = score === 1
      return outcome
    }
    const next = nextEscalation({
      failedModel: model,
      tried: outcome.calls,
      failedAttempts: step + 1,
      type,
      models: ctx.models,
      perf: ctx.perf,
      fallbackChains: ctx.fallbackChains,
      maxAttempts: ctx.maxAttempts,
      learned,
      random: ctx.random,
      chainEvidence: ctx.chainEvidence,
    })
    if (next.kind === 'blocked') {
      outcome.blocked = true
      return outcome
    }
    model = next.model
  }
}
