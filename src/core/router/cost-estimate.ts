/**
 * Expected cost of one call of a model, for weighting and for "cheaper first":
 * the recorded mean cost per attempt for this task type, else for any type, else the declared
 * per-call cost, else the price list applied to a nominal call of 1,500 input and 500 output tokens.
 */
import type {TaskType} from '../providers/spec.js'
import type {PerfReader} from '../store/types.js'
import type {RouteModel} from './route-model.js'

export const NOMINAL_INPUT_TOKENS = 1500
export const NOMINAL_OUTPUT_TOKENS = 500

/** A CTO review reads the task, the answer, the diff, the commands and the test output, and answers a short JSON. */
export const NOMINAL_REVIEW_INPUT_TOKENS = 2000
export const NOMINAL_REVIEW_OUTPUT_TOKENS = 150

/** What one review by the CTO model costs, at its price list, for the planner to count per attempt. */
export function reviewCallCost(cto: Pick<RouteModel, 'pricing'>): number {
  return (NOMINAL_REVIEW_INPUT_TOKENS * cto.pricing.inputPerMTok + NOMINAL_REVIEW_OUTPUT_TOKENS * cto.pricing.outputPerMTok) / 1e6
}

export function estimateCallCost(model: RouteModel, perf: PerfReader, type: TaskType): number {
  const forType = perf.stats(model.name, type)
  if (forType.attempts > 0) return forType.cost_usd / forType.attempts
  const overall = perf.stats(model.name)
  if (overall.attempts > 0) return overall.cost_usd / overall.attempts
  if (model.callCostUsd !== undefined) return model.callCostUsd
  return (NOMINAL_INPUT_TOKENS * model.pricing.inputPerMTok + NOMINAL_OUTPUT_TOKENS * model.pricing.outputPerMTok) / 1e6
}

/** Laplace-smoothed success rate for a model on a task type: (successes + 1) / (attempts + 2). */
export function smoothedSuccess(perf: PerfReader, model: string, type: TaskType): {rate: number; attempts: number; successes: number} {
  const s = perf.stats(model, type)
  return {rate: (s.successes + 1) / (s.attempts + 2), attempts: s.attempts, successes: s.successes}
}
