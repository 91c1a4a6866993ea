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
 *   6 latent difficulty: each task has a difficulty d ~ N(0, σ²) (σ in log-odds, fitted per type:
 *     below), a model succeeds with σ(a − d), its ability a from level 5; given that the models in F
 *     failed, d is probably high, so every model's chance drops — the strong ones' least:
 *     P(m | F) = E[σ(a_m − d) Π_f (1 − σ(a_f − d))] / E[Π_f (1 − σ(a_f − d))]  (9-point
 *     Gauss–Hermite), with at most `shift` (3) pseudo-counts
 *   7 this model after any failure on the type   position(type, model, after)   k = typeModel
 *   8 after each failed model f           afterModel(type, model, f), averaged  k = pair (3)
 *   9 after exactly F                     afterSet(type, model, F)       k = set (3)
 *
 * At each level  w = min(k, strength above),  mean = (s + w · mean above) / (n + w),
 * strength = n + w: a level with little data leans on the one above, and a thin prior can't
 * pretend to be sure. The posterior is Beta(mean · strength, (1 − mean) · strength): wide for a
 * model never tried in a situation, narrowing as its attempts there accumulate — which is what
 * makes Thompson sampling explore less as evidence grows. Level 6 is what lets a cascade learn
 * fast: strong models stay likely after cheap ones failed, weak ones don't; levels 8 and 9 find
 * what it misses (on a two-option task, the other option is right once one model's pick failed).
 * Level 9 applies to one failed model too: level 8's tally after f counts m's attempts after f
 * whatever else failed, and on a two-option task a third attempt (after two picks of the same
 * wrong option) is right nearly every time — on the RouterBench training split (Winogrande) one
 * model's estimate as the second attempt, after one cheap model failed, read 0.89 over 110 such
 * attempts where it was right 0.52 of the time, and the planner moved it up the cascade.
 *
 * σ says how much one failure tells about the task: large, and a failure means the task is hard
 * for everyone; small, and models fail on their own. It differs between kinds of work (fitted on
 * the RouterBench training rows: about 2 on ARC, 3 on MBPP, ≤ 0.5 on Winogrande, where a fixed
 * σ = 6 explained the attempts after a failure worst of all the values tried), so it is fitted per
 * type to the store's attempts after one and after two failures (fitDifficulty: the most likely
 * value on a grid, with a normal prior on ln σ around `difficulty`, 6, of spread `difficultyFit`,
 * 1): with no attempts after failures σ = 6 stands (the old fixed value, cautious about later
 * steps), and the tallies move it as they grow. The planner fits once per plan (about 0.5 ms
 * with 11 models whose every pair and pair of failures has tallies); estimateSuccess and the text
 * model's fold keep σ = 6 (a fit per folded observation would cost too much).
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
  /**
   * Fit σ to what the store saw after failures on the type (most likely value on a grid, with a
   * normal prior on ln σ around `difficulty` of this spread); 0 keeps σ fixed at `difficulty`.
   */
  difficultyFit: number
}

export const DEFAULT_ESTIMATE_PARAMS: EstimateParams = {typePool: 4, model: 3, perf: 3, perfCap: 10, typeModel: 3, shift: 3, difficulty: 6, pair: 3, set: 3, difficultyFit: 1}

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

/** The σ values a fit chooses from (log-odds). */
export const DIFFICULTY_GRID = [0.5, 0.75, 1, 1.5, 2, 3, 4, 6, 8]

/** P(m succeeds | every model in `others` failed) under the latent-difficulty model (abilities scaled for σ). */
function latentChance(a: number, others: readonly number[], sd: number): number {
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

/**
 * The σ that best explains the type's attempts after failures: each model's attempts after one
 * model failed (the pair tallies less the two-failure sets they include) and after exactly two
 * failed, under the latent-difficulty model with first-attempt chances `first`. The prior on ln σ
 * (normal, spread `prior`, around σ0) keeps σ0 until the tallies say otherwise.
 */
export function fitDifficulty(stats: CascadeStatsReader, type: TaskType, models: readonly string[], first: (model: string) => number, sigma0: number, prior: number): number {
  const count = models.length
  // Pair tallies (after f failed) by index; then the two-failure sets, taken out of the pairs they include.
  const pairN = new Float64Array(count * count)
  const pairS = new Float64Array(count * count)
  let any = false
  for (let m = 0; m < count; m++) {
    for (let f = 0; f < count; f++) {
      if (f === m) continue
      const c = stats.afterModel(type, models[m] as string, models[f] as string)
      if (c.attempts > 0) {
        pairN[m * count + f] = c.attempts
        pairS[m * count + f] = c.successes
        any = true
      }
    }
  }
  if (!any) return sigma0
  // Terms: model m, failed f (and g ≥ 0 for a set), attempts, successes.
  const tm: number[] = []
  const tf: number[] = []
  const tg: number[] = []
  const tn: number[] = []
  const ts: number[] = []
  const term = (m: number, f: number, g: number, n: number, s: number) => {
    tm.push(m)
    tf.push(f)
    tg.push(g)
    tn.push(n)
    ts.push(s)
  }
  for (let m = 0; m < count; m++) {
    for (let f = 0; f < count; f++) {
      if (f === m || pairN[m * count + f] === 0) continue
      for (let g = f + 1; g < count; g++) {
        if (g === m || pairN[m * count + g] === 0) continue
        const c = stats.afterSet(type, models[m] as string, [models[f] as string, models[g] as string])
        if (c.attempts === 0) continue
        term(m, f, g, c.attempts, c.successes)
        pairN[m * count + f] -= c.attempts
        pairS[m * count + f] -= c.successes
        pairN[m * count + g] -= c.attempts
        pairS[m * count + g] -= c.successes
      }
    }
  }
  for (let m = 0; m < count; m++) {
    for (let f = 0; f < count; f++) {
      const n = pairN[m * count + f] as number
      if (f === m || n <= 0) continue
      term(m, f, -1, n, Math.min(n, Math.max(0, pairS[m * count + f] as number)))
    }
  }
  // Per σ, a table of σ(a_m − d_k) over the Hermite nodes (no exp per term).
  const logits = models.map((m) => logit(first(m)))
  const nodes = HERMITE_NODES.length
  const table = new Float64Array(count * nodes)
  let best = sigma0
  let bestScore = Number.NEGATIVE_INFINITY
  for (const sd of DIFFICULTY_GRID) {
    const scale = Math.sqrt(1 + (Math.PI * sd * sd) / 8)
    for (let i = 0; i < count; i++) for (let k = 0; k < nodes; k++) table[i * nodes + k] = sigmoid((logits[i] as number) * scale - sd * (HERMITE_NODES[k] as number))
    const z = Math.log(sd / sigma0) / prior
    let score = -0.5 * z * z
    for (let t = 0; t < tm.length; t++) {
      const m = (tm[t] as number) * nodes
      const f = (tf[t] as number) * nodes
      const g = tg[t] as number
      let num = 0
      let den = 0
      for (let k = 0; k < nodes; k++) {
        let like = (HERMITE_WEIGHTS[k] as number) * (1 - (table[f + k] as number))
        if (g >= 0) like *= 1 - (table[g * nodes + k] as number)
        num += like * (table[m + k] as number)
        den += like
      }
      const q = Math.min(1 - 1e-6, Math.max(1e-6, den > 0 ? num / den : 0.5))
      const n = tn[t] as number
      const s = ts[t] as number
      score += s * Math.log(q) + (n - s) * Math.log(1 - q)
    }
    if (score > bestScore) {
      bestScore = score
      best = sd
    }
  }
  return best
}

/**
 * An estimator for one type, caching what does not depend on the failed set (a plan asks for
 * hundreds of estimates of a dozen models).
 */
export function createEstimator(stats: CascadeStatsReader, type: TaskType, params: Partial<EstimateParams> = {}, perf?: PerfReader, models?: readonly string[]): Estimator {
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
  const sd = p.difficultyFit > 0 && models && models.length > 1 ? fitDifficulty(stats, type, models, (m) => firstOf(m).mean, p.difficulty, p.difficultyFit) : p.difficulty
  const attenuation = Math.sqrt(1 + (Math.PI * sd * sd) / 8)
  const ability = (model: string) => logit(firstOf(model).mean) * attenuation
  const irt = (model: string, failed: readonly string[]): number => latentChance(ability(model), failed.map(ability), sd)
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
    const exact = stats.afterSet(type, model, unique)
    level = shrink(level, exact.attempts, exact.successes, p.set)
    evidence = exact.attempts
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
