/**
 * How likely a model is to succeed at a task of a type, given which models already failed on it:
 * a Beta posterior built by shrinking each level of evidence toward the one above it.
 *
 * First attempts (nothing failed yet):
 *   1 every first attempt                 position(*, *, first)        Laplace (s + 1) / (n + 2)
 *   2 first attempts on this type         position(type, *, first)     k = typePool (4)
 *   3 this model's first attempts, all types  position(*, model, first)   k = model (3)
 *   4 the store's per-type totals          PerfReader, only attempts the  k = perf (3), at most
 *     (positions mixed)                    cascade totals lack            perfCap (10) attempts
 *   5 this model's first attempts on the type  position(type, model, first)  k = typeModel (3)
 * After failures F:
 *   6 latent difficulty: each task has a difficulty d ~ N(0, σ²) (σ = difficulty, 6, in log-odds),
 *     a model succeeds with σ(a − d), its ability a from level 5; given that the models in F
 *     failed, d is probably high, so every model's chance drops — the strong ones' least:
 *     P(m | F) = E[σ(a_m − d) Π_f (1 − σ(a_f − d))] / E[Π_f (1 − σ(a_f − d))]  (9-point
 *     Gauss–Hermite), with at most `shift` (3) pseudo-counts
 *   7 this model after any failure on the type   position(type, model, after)   k = typeModel
 *   8 after each failed model f           afterModel(type, model, f), averaged  k = pair (3)
 *   9 after exactly F (two or more)       afterSet(type, model, F)       k = set (3)
 *
 * At each level  w = min(k, strength above),  mean = (s + w · mean above) / (n + w),
 * strength = n + w: a level with little data leans on the one above, and a thin prior can't
 * pretend to be sure. The posterior is Beta(mean · strength, (1 − mean) · strength): wide for a
 * model never tried in a situation, narrowing as its attempts there accumulate — which is what
 * makes Thompson sampling explore less as evidence grows. Level 6 is what lets a cascade learn
 * fast: strong models stay likely after cheap ones failed, weak ones don't; levels 8 and 9 find
 * what it misses (on a two-option task, the other option is right once one model's pick failed).
 *
 * σ = 6 was chosen on the first 70 % of the RouterBench training files (σ = 1.5 or 2.5 left the
 * third step's chances 0.1–0.4 too optimistic on the held-out rows, σ = 4–6 close to right).
 */
import type {TaskType} from '../providers/spec.js'
import type {PerfReader} from '../store/types.js'
import type {CascadeStatsReader} from './cascade-stats.js'
import {logit, sigmoid} from './text-model.js'

/** Pseudo-counts (k) of each level, and σ. */
export interface EstimateParams {
  typePool: number
  model: number
  /** Pseudo-count of the store's position-mixed totals (level 4), and the most attempts it counts. */
  perf: number
  perfCap: number
  typeModel: number
  /** Strength at most of the latent-difficulty prior after a failure. */
  shift: number
  /** σ: spread of task difficulty (log-odds) in the latent-difficulty prior. */
  difficulty: number
  pair: number
  set: number
}

export const DEFAULT_ESTIMATE_PARAMS: EstimateParams = {typePool: 4, model: 3, perf: 3, perfCap: 10, typeModel: 3, shift: 3, difficulty: 6, pair: 3, set: 3}

export interface SuccessEstimate {
  /** Posterior mean. */
  mean: number
  /** Posterior strength (attempts plus pseudo-counts). */
  strength: number
  /** Attempts of this model in exactly this situation (deepest level). */
  evidence: number
  /** Attempts of this model on this type at this position (first / after a failure). */
  attempts: number
}

/** Gauss–Hermite nodes and weights for a standard normal (9 points). */
const HERMITE_NODES = [-4.512746, -3.205429, -2.076848, -1.023256, 0, 1.023256, 2.076848, 3.205429, 4.512746]
const HERMITE_WEIGHTS = [2.235e-5, 0.00278914, 0.04991641, 0.2440975, 0.40634921, 0.2440975, 0.04991641, 0.00278914, 2.235e-5]

interface Level {
  mean: number
  strength: number
}

function shrink(above: Level, n: number, s: number, k: number): Level {
  if (k <= 0) return above
  const w = Math.min(k, above.strength)
  if (n + w <= 0) return above
  return {mean: (s + w * above.mean) / (n + w), strength: n + w}
}

/** The estimate for a model's first attempt at a type (levels 1–5 with pc = first). */
function firstLevel(stats: CascadeStatsReader, type: TaskType, model: string, p: EstimateParams, perf?: PerfReader): Level {
  const root = stats.position('*', '*', 'first')
  let level: Level = {mean: (root.successes + 1) / (root.attempts + 2), strength: root.attempts + 2}
  const pool = stats.position(type, '*', 'first')
  level = shrink(level, pool.attempts, pool.successes, p.typePool)
  const everyType = stats.position('*', model, 'first')
  level = shrink(level, everyType.attempts, everyType.successes, p.model)
  const first = stats.position(type, model, 'first')
  if (perf) {
    const s = perf.stats(model, type)
    const after = stats.position(type, model, 'after')
    const extra = s.attempts - first.attempts - after.attempts
    if (extra > 0) {
      const rate = Math.min(1, Math.max(0, (s.successes - first.successes - after.successes) / extra))
      const n = Math.min(extra, p.perfCap)
      level = shrink(level, n, rate * n, p.perf)
    }
  }
  return shrink(level, first.attempts, first.successes, p.typeModel)
}

export type Estimator = (model: string, failed: readonly string[]) => SuccessEstimate

/**
 * An estimator for one type, caching what does not depend on the failed set (a plan asks for
 * hundreds of estimates of a dozen models).
 */
export function createEstimator(stats: CascadeStatsReader, type: TaskType, params: Partial<EstimateParams> = {}, perf?: PerfReader): Estimator {
  const p = {...DEFAULT_ESTIMATE_PARAMS, ...params}
  const firsts = new Map<string, Level>()
  const firstOf = (model: string): Level => {
    let l = firsts.get(model)
    if (!l) {
      l = firstLevel(stats, type, model, p, perf)
      firsts.set(model, l)
    }
    return l
  }
  // Level 6. The ability is scaled so that E[σ(a − d)] matches the first-attempt mean (probit approximation).
  const sd = p.difficulty
  const attenuation = Math.sqrt(1 + (Math.PI * sd * sd) / 8)
  const ability = (model: string) => logit(firstOf(model).mean) * attenuation
  const irt = (model: string, failed: readonly string[]): number => {
    const a = ability(model)
    const others = failed.map(ability)
    let num = 0
    let den = 0
    for (let k = 0; k < HERMITE_NODES.length; k++) {
      const d = sd * (HERMITE_NODES[k] as number)
      let like = HERMITE_WEIGHTS[k] as number
      for (const b of others) like *= 1 - sigmoid(b - d)
      num += like * sigmoid(a - d)
      den += like
    }
    return den > 0 ? num / den : sigmoid(a)
  }
  return (model, failed) => {
    const first = firstOf(model)
    if (failed.length === 0) {
      const n = stats.position(type, model, 'first').attempts
      return {mean: clamp(first.mean), strength: Math.max(first.strength, 1e-3), evidence: n, attempts: n}
    }
    // After a failure: the latent-difficulty estimate is the prior, with at most `shift` pseudo-counts.
    let level: Level = {mean: irt(model, failed), strength: Math.min(first.strength, p.shift)}
    const own = stats.position(type, model, 'after')
    level = shrink(level, own.attempts, own.successes, p.typeModel)
    const unique = failed.length === 1 ? failed : [...new Set(failed)]
    let sum = 0
    let weight = 0
    let strength = 0
    let evidence = 0
    for (const f of unique) {
      const c = stats.afterModel(type, model, f)
      const l = shrink(level, c.attempts, c.successes, p.pair)
      sum += l.mean * l.strength
      weight += l.strength
      strength = Math.max(strength, l.strength)
      evidence = Math.max(evidence, c.attempts)
    }
    level = {mean: weight > 0 ? sum / weight : level.mean, strength}
    if (unique.length >= 2) {
      const c = stats.afterSet(type, model, unique)
      level = shrink(level, c.attempts, c.successes, p.set)
      evidence = c.attempts
    }
    return {mean: clamp(level.mean), strength: Math.max(level.strength, 1e-3), evidence, attempts: own.attempts}
  }
}

export function estimateSuccess(
  stats: CascadeStatsReader,
  type: TaskType,
  model: string,
  failed: readonly string[],
  params: Partial<EstimateParams> = {},
  perf?: PerfReader,
): SuccessEstimate {
  return createEstimator(stats, type, params, perf)(model, failed)
}

function clamp(v: number): number {
  return Math.min(1, Math.max(0, v))
}
