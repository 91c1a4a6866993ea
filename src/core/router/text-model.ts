/**
 * The text model: an online logistic regression over the task's hashed features, one weight
 * vector per model folded into one small array by hashing (feature, model) to 2^bits slots. It
 * predicts how much a task's words shift a model's chance of success away from what the counts
 * say for its type and position (a residual in log-odds), so it only learns what the counts
 * can't: which tasks of a type are easy or hard for which model.
 *
 *   x_i   = 1 / √k for each of the task's k features (so long tasks don't weigh more)
 *   δ(m)  = clip(Σ_i w[h(i, m)] · x_i, ±maxOffset)
 *   p     = σ(logit(q_counts) + δ(m))
 *   after an attempt with outcome y ∈ {0, 1}:  w[h(i, m)] += η · ((y − p) · x_i − λ · w[h(i, m)])
 *
 * No model weights are downloaded; the array starts at zero (no shift) and learns as results
 * arrive. Defaults (η = 0.05, λ = 0.001, maxOffset = 1.5) were chosen on the first 70 % of the
 * RouterBench training files, where the words can't tell easy rows from hard ones: every row of
 * the ARC-Challenge and Winogrande files has the same (truncated) prompt, and MBPP's 209 warm-up
 * rows are too few (bench/text-signal.ts; README, "The router on RouterBench"); the cap keeps the
 * shift modest until a store with real tasks shows more.
 */
import {fnv1a} from './task-features.js'

export const TEXT_BITS = 12

export interface TextParams {
  /** η: learning rate. */
  learningRate: number
  /** λ: weight decay per update. */
  decay: number
  /** Largest shift in log-odds the words may make. */
  maxOffset: number
}

export const DEFAULT_TEXT_PARAMS: TextParams = {learningRate: 0.05, decay: 0.001, maxOffset: 1.5}

const modelHashes = new Map<string, number>()
function modelHash(model: string): number {
  let h = modelHashes.get(model)
  if (h === undefined) {
    h = fnv1a(model, 0x9747b28c)
    if (modelHashes.size > 10_000) modelHashes.clear()
    modelHashes.set(model, h)
  }
  return h
}

/** The slot of a feature's weight for a model. */
export function textSlot(feature: number, model: string, bits: number): number {
  return Math.imul((feature ^ modelHash(model)) >>> 0, 0x9e3779b1) >>> (32 - bits)
}

export function logit(p: number): number {
  const q = Math.min(1 - 1e-6, Math.max(1e-6, p))
  return Math.log(q / (1 - q))
}

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z))
}

/** δ(m): the shift in log-odds the task's features make for a model. */
export function textOffset(weights: ArrayLike<number>, bits: number, model: string, features: readonly number[], params: Partial<TextParams> = {}): number {
  if (features.length === 0) return 0
  const max = params.maxOffset ?? DEFAULT_TEXT_PARAMS.maxOffset
  const x = 1 / Math.sqrt(features.length)
  let z = 0
  for (const f of features) z += weights[textSlot(f, model, bits)] ?? 0
  return Math.max(-max, Math.min(max, z * x))
}

/** One step of online logistic regression with the counts' prediction as the offset. */
export function textUpdate(
  weights: number[],
  bits: number,
  model: string,
  features: readonly number[],
  priorMean: number,
  success: boolean,
  params: Partial<TextParams> = {},
): void {
  const p = {...DEFAULT_TEXT_PARAMS, ...params}
  if (features.length === 0 || p.learningRate === 0) return
  const predicted = sigmoid(logit(priorMean) + textOffset(weights, bits, model, features, p))
  const x = 1 / Math.sqrt(features.length)
  const g = (success ? 1 : 0) - predicted
  for (const f of features) {
    const slot = textSlot(f, model, bits)
    weights[slot] = (weights[slot] ?? 0) + p.learningRate * (g * x - p.decay * (weights[slot] ?? 0))
  }
}
