/**
 * The cascade planner: which model takes the next attempt, and which would follow if it fails.
 *
 * A plan is a sequence of models (a cascade): the first is tried; if it fails, the next; until one
 * succeeds or the attempts run out. For a set F of models that already failed on the task and r
 * attempts left, the best plan's value is (dynamic programming over failed sets):
 *
 *   V(F, 0) = 0
 *   V(F, r) = max over models m not in F of   pay(q(m | F)) − λ · c(m) / c_ref  +  (1 − q(m | F)) · V(F ∪ {m}, r − 1)
 *
 * q(m | F): the chance m's answer is approved given F failed (success-estimate.ts: what the store
 *           counts as success), shifted by the task's words (text-model.ts);
 * pay(a):   what an approval chance a is worth in accuracy. A review errs with chance ε (assumed:
 *           `reviewError`, 0.05; the loop can't see it), so a = q(1 − ε) + (1 − q)ε for a true
 *           chance q, and the answer is approved and right with q(1 − ε) = (a − ε)/(1 − 2ε) · (1 − ε).
 *           An approved wrong answer ends the task, so a weak first step costs accuracy a plan that
 *           took reviews as right would not price; with ε = 0, pay(a) = a.
 * c(m):     m's mean recorded cost per attempt on the type, shrunk toward its mean over every type
 *           and that toward its price list (3 pseudo-attempts each: expectedCost), plus what the
 *           CTO's review of the attempt costs (a task pays its reviews too);
 * c_ref:    the dearest model's expected cost over every type, so λ is free of currency and scale and
 *           one dollar weighs the same on every type;
 * λ:        the cost weight, 0.3: spending the dearest model's price once must buy at least 0.3
 *           of expected accuracy. The value is expected accuracy minus λ times expected relative
 *           cost, so a step goes in, or moves earlier, only where the accuracy it adds per cost it
 *           adds is worth it: the plan maximises expected accuracy per expected cost at the margin.
 * The planner plans every attempt that is left (a task is not given up while a model could take it).
 *
 * Exploration (with a random source, i.e. when `cto task` routes; without one the means decide:
 * `--explain` of a kept choice, tests) is by value of information: each candidate for the next
 * attempt is worth its plan's value by means plus
 *   H × VPI_i,   VPI_i = E[(V_i − V_best)⁺]  (for the best plan itself: E[(V_second − V_best)⁺])
 * the expected gain from knowing its chance exactly, over H later tasks that would use what this
 * attempt teaches (`voiHorizon`, 3). V_i is linear in the candidate's chance q (above), so with q's
 * Beta posterior taken as normal, V_i is normal with sd |V_i(1) − V_i(0)| · sd(q) and VPI has a
 * closed form (expectedGain). What this weighs that a random draw does not: what the trial costs
 * now. A cheap model with thin evidence whose plan is a little behind gets tried (trying it costs
 * little, and it might be the best from now on); a dear one, or one whose plan is far behind, does
 * not; and VPI shrinks as evidence narrows the posterior, so exploring fades by itself. The choice
 * is deterministic given the store (the store changes with every attempt, so the choice does too).
 * On the RouterBench training split, paired with Thompson sampling over 36 row orders (each file
 * replayed whole), it was ahead or level in every setting (+0.003 to +0.008 of gpt-4's accuracy);
 * with the files' rows mixed it was cheaper and less accurate warm, level cold (README). Thompson
 * sampling stays for `voiHorizon` 0: the candidates' chances are drawn from their Beta posteriors,
 * later steps planned with means; a candidate with `exploreUntil` (100) attempts in exactly this
 * situation is no longer drawn, nor one whose plan, at its posterior mean plus `dominanceZ` (1)
 * standard deviations, is still worth less than the best plan by means.
 *
 * The defaults were chosen on the RouterBench training files' split (first 70 % warm-up, last
 * 30 % scored, seeds 11–16; README, "The router on RouterBench", has the table): λ = 0.3 (0.35
 * and 0.4 lost accuracy for little cost); ε = 0.05 (0 and 0.1 did worse with noisy review, and no
 * better with perfect review); one standard deviation for dominance (0.25, 0.5 and 2 did worse);
 * H = 3 (2, 4 and 5 within the spread of row orders; 5 dearer with perfect review).
 *
 * Cost: at most `horizon` (3) attempts ahead, over at most MAX_PLANNED_MODELS models: failed sets
 * are bit masks, 1 + M + M(M−1)/2 of them, about M³/2 estimates for M models (616 for 11), each a
 * few map lookups; then one VPI (or Beta draw) per candidate for the next attempt.
 */
import type {TaskType} from '../providers/spec.js'
import type {PerfReader} from '../store/types.js'
import {sampleBeta} from './beta-sample.js'
import type {CascadeStatsReader} from './cascade-stats.js'
import {NOMINAL_INPUT_TOKENS, NOMINAL_OUTPUT_TOKENS} from './cost-estimate.js'
import type {RouteModel} from './route-model.js'
import type {RandomSource} from './seeded-random.js'
import {createEstimator, type EstimateParams} from './success-estimate.js'
import {logit, sigmoid, textOffset, type TextParams} from './text-model.js'

export interface PlanParams {
  /** λ: the expected accuracy that spending the dearest model's price once must buy. */
  costWeight: number
  /** Attempts planned ahead at most. */
  horizon: number
  /** c_ref: the dearest model's mean cost over every type (`all`), or on this type (`type`). */
  reference: 'all' | 'type'
  /** Thompson draws for the next attempt only (later steps planned with means), or for every step. */
  explore: 'next' | 'all' | 'none'
  /** Posterior variance multiplier for the draws: 1 is plain Thompson sampling, smaller explores less. */
  temperature: number
  /** A candidate with at least this many attempts in exactly this situation is planned with its mean, not drawn. */
  exploreUntil: number
  /**
   * A candidate for the next attempt whose plan could not beat the best plan (by posterior means)
   * even with its chance at the posterior mean plus this many standard deviations is planned with
   * its mean, not drawn (0: every candidate with little evidence is drawn).
   */
  dominanceZ: number
  /** ε: the assumed chance that a review's verdict is wrong (0: reviews are right). */
  reviewError: number
  /** Pseudo-attempts at the price list (over every type) and at the all-type mean (on a type) that a model's recorded mean cost is shrunk with. */
  costPseudoCount: number
  /**
   * H, how many later tasks an attempt's lesson is counted for (0: Thompson draws instead). With
   * exploration on, each candidate for the next attempt is valued at its plan's value by means plus
   * H × VPI, VPI the expected gain in plan value from knowing its chance exactly (header).
   */
  voiHorizon: number
  estimate?: Partial<EstimateParams>
  text?: Partial<TextParams>
}

export const DEFAULT_PLAN_PARAMS: PlanParams = {costWeight: 0.3, horizon: 3, reference: 'all', explore: 'next', temperature: 1, exploreUntil: 100, dominanceZ: 1, reviewError: 0.05, costPseudoCount: 3, voiHorizon: 3}

export interface PlanCandidate {
  model: string
  /** Posterior mean chance of success at the next attempt, with the text model's shift. */
  predicted_success: number
  /** The Thompson draw the plan used (the mean when planning without a random source). */
  sampled_success: number
  /** The text model's shift in log-odds for this task. */
  text_shift: number
  cost_usd: number
  /** This model's attempts on this type at this position (first, or after a failure). */
  attempts: number
  /** Its attempts in exactly this situation (after these failures). */
  evidence: number
  /** H × VPI: what trying it now is worth for later tasks (0 unless exploring by value of information). */
  learning_value: number
  /** Value of the best plan that starts with it (as planned: with the draws, or plus learning_value). */
  value: number
}

export interface CascadePlan {
  /** The cascade from here: the next model first. */
  steps: string[]
  /** With posterior means: the chance one of the steps succeeds, and the workers' expected cost. */
  expected_accuracy: number
  expected_cost_usd: number
  /** The CTO's expected cost of reviewing the steps (attempts × reviewCostUsd). */
  expected_review_cost_usd: number
  /** c_ref and λ. */
  reference_cost_usd: number
  cost_weight: number
  /** The models that could take the next attempt, best plan first. */
  candidates: PlanCandidate[]
  /** Attempts of this type the estimates rest on: first attempts, and attempts after a failure. */
  evidence: {first: number; after: number}
  /** Drawn by Thompson sampling (false: posterior means, with or without learning values). */
  sampled: boolean
  /** How the next attempt explored: value of information, Thompson draws, or not at all (means). */
  exploration: 'value' | 'thompson' | 'none'
}

export interface PlanInput {
  type: TaskType
  /** Every model that may take a later attempt (fitting: enabled, key, tools, budget). */
  models: readonly RouteModel[]
  /** Who may take the next attempt (default: every model). */
  next?: readonly string[]
  /** Models that already failed on this task. */
  failed?: readonly string[]
  /** Attempts left, the next one included. */
  attemptsLeft: number
  stats: CascadeStatsReader
  perf: PerfReader
  /** The task's hashed features (taskFeatures). */
  features?: readonly number[]
  random?: RandomSource
  params?: Partial<PlanParams>
  /** What the CTO's review of one attempt costs (USD), part of every step's cost. Default 0. */
  reviewCostUsd?: number
}

/**
 * A model's expected cost per attempt on a type: its recorded mean cost shrunk toward what it costs
 * over every type, and that toward its price list, each with `pseudo` attempts of weight
 *   overall = (Σ cost over all its attempts + k · listed) / (n + k)
 *   type    = (Σ cost on the type + k · overall) / (n_type + k)
 * so one unusually long call can't make a model look several times dearer for good (a model tried
 * once, at its dearest, was never tried again), and the cost weight's reference stays steady.
 */
export function expectedCost(model: RouteModel, type: TaskType | '*', stats: CascadeStatsReader, perf: PerfReader, pseudo = DEFAULT_PLAN_PARAMS.costPseudoCount): number {
  const k = Math.max(0, pseudo)
  const listed = model.callCostUsd ?? (NOMINAL_INPUT_TOKENS * model.pricing.inputPerMTok + NOMINAL_OUTPUT_TOKENS * model.pricing.outputPerMTok) / 1e6
  const all = perf.stats(model.name)
  const overall = all.attempts + k > 0 ? (all.cost_usd + k * listed) / (all.attempts + k) : listed
  if (type === '*') return overall
  const a = stats.position(type, model.name, 'first')
  const b = stats.position(type, model.name, 'after')
  let n = a.attempts + b.attempts
  let sum = a.cost_usd + b.cost_usd
  if (n === 0) {
    const t = perf.stats(model.name, type)
    n = t.attempts
    sum = t.cost_usd
  }
  return n + k > 0 ? (sum + k * overall) / (n + k) : overall
}

interface Estimate {
  mean: number
  draw: number
  /** The counts' posterior mean and strength (before the text shift), for a deferred draw. */
  raw: number
  strength: number
  attempts: number
  evidence: number
}

interface Node {
  value: number
  /** Index of the best model to try next (-1: none). */
  best: number
}

/** At most this many models are planned over (the cheapest): a failed set is a bit mask of them. */
export const MAX_PLANNED_MODELS = 30

export function planCascade(input: PlanInput): CascadePlan {
  const p = {...DEFAULT_PLAN_PARAMS, ...input.params}
  const {type, stats, perf, random} = input
  const failed = [...new Set(input.failed ?? [])]
  const features = input.features ?? []
  const allCosts = new Map(input.models.map((m) => [m.name, expectedCost(m, type, stats, perf, p.costPseudoCount)]))
  const nextSet = new Set(input.next ?? input.models.map((m) => m.name))
  // The models a plan may use: not failed; the next step's candidates first, then the cheapest.
  const pool = input.models
    .map((m) => m.name)
    .filter((n, i, all) => !failed.includes(n) && all.indexOf(n) === i)
    .sort((a, b) => Number(nextSet.has(b)) - Number(nextSet.has(a)) || (allCosts.get(a) ?? 0) - (allCosts.get(b) ?? 0))
    .slice(0, MAX_PLANNED_MODELS)
  // Iterate in the caller's order, so draws (and ties) don't depend on costs.
  const order = input.models.map((m) => m.name)
  const names = pool.sort((a, b) => order.indexOf(a) - order.indexOf(b))
  const count = names.length
  const cost = names.map((n) => allCosts.get(n) ?? 0)
  const reference = p.reference === 'type' ? Math.max(0, ...allCosts.values()) : Math.max(0, ...input.models.map((m) => expectedCost(m, '*', stats, perf, p.costPseudoCount)))
  const scale = reference > 0 ? p.costWeight / reference : 0
  const review = Math.max(0, input.reviewCostUsd ?? 0)
  const shift = names.map((n) => textOffset(stats.textWeights, stats.textBits, n, features, p.text))

  const estimator = createEstimator(stats, type, p.estimate, perf, [...new Set([...names, ...failed])])
  const estimates = new Map<number, Estimate>()
  // Value of information decides the next attempt (no draws); or Thompson draws, which with dominance
  // pruning wait until every candidate's plan is valued by means.
  const voi = random !== undefined && p.explore === 'next' && p.voiHorizon > 0
  const defer = voi || (p.dominanceZ > 0 && p.explore === 'next')
  const drawFor = (e: Estimate, d: number): number => {
    const strength = e.strength / p.temperature
    const raw = sampleBeta(Math.max(1e-3, e.raw * strength), Math.max(1e-3, (1 - e.raw) * strength), random as RandomSource)
    return d === 0 ? raw : sigmoid(logit(raw) + d)
  }
  const failedNames = (mask: number): string[] => {
    const out = [...failed]
    for (let j = 0; j < count; j++) if (mask & (1 << j)) out.push(names[j] as string)
    return out
  }
  const estimate = (i: number, mask: number): Estimate => {
    const k = mask * 32 + i
    let e = estimates.get(k)
    if (!e) {
      const s = estimator(names[i] as string, failedNames(mask))
      const d = shift[i] ?? 0
      const mean = d === 0 ? s.mean : sigmoid(logit(s.mean) + d)
      e = {mean, draw: mean, raw: s.mean, strength: s.strength, attempts: s.attempts, evidence: s.evidence}
      if (random && p.explore !== 'none' && (p.explore === 'all' || mask === 0) && s.evidence < p.exploreUntil && !(defer && mask === 0)) e.draw = drawFor(e, d)
      estimates.set(k, e)
    }
    return e
  }

  // What an approval chance a is worth in accuracy when verdicts are wrong with chance ε:
  // a = q(1 − ε) + (1 − q)ε, so the answer is right with q = (a − ε)/(1 − 2ε), approved and right q(1 − ε).
  const eps = Math.min(0.45, Math.max(0, p.reviewError))
  const pay = (a: number): number => (eps === 0 ? a : Math.max(0, (a - eps) / (1 - 2 * eps)) * (1 - eps))
  const memo = new Map<number, Node>()
  const value = (mask: number, r: number): Node => {
    if (r <= 0) return {value: 0, best: -1}
    const key = mask * 8 + Math.min(r, 7)
    const cached = memo.get(key)
    if (cached) return cached
    let best: Node = {value: 0, best: -1}
    for (let i = 0; i < count; i++) {
      if (mask & (1 << i)) continue
      const q = estimate(i, mask).draw
      const v = pay(q) - scale * ((cost[i] as number) + review) + (1 - q) * value(mask | (1 << i), r - 1).value
      if (best.best < 0 || v > best.value) best = {value: v, best: i}
    }
    memo.set(key, best)
    return best
  }

  const depth = Math.max(0, Math.min(input.attemptsLeft, p.horizon))
  const candidates: PlanCandidate[] = []
  // The value of the best plan that starts with candidate i at chance q for it; and q's posterior sd.
  const startValue = (i: number, q: number) => pay(q) - scale * ((cost[i] as number) + review) + (1 - q) * value(1 << i, depth - 1).value
  const posteriorSd = (e: Estimate) => Math.sqrt((e.raw * (1 - e.raw)) / (e.strength / p.temperature + 1))
  const open = names.map((n, i) => i).filter((i) => nextSet.has(names[i] as string))
  const bonus = new Float64Array(count)
  if (depth > 0 && voi) {
    // startValue is linear in q (pay is linear above ε), so with q's posterior taken as normal the
    // plan's value is normal too, with sd |V(1) − V(0)| · sd(q).
    const means = open.map((i) => startValue(i, estimate(i, 0).mean))
    const ranked = open.map((_, k) => k).sort((a, b) => (means[b] as number) - (means[a] as number))
    const top = means[ranked[0] as number] as number
    const second = ranked.length > 1 ? (means[ranked[1] as number] as number) : top
    open.forEach((i, k) => {
      const e = estimate(i, 0)
      // The text shift moves the chance at slope q(1 − q) / (raw(1 − raw)).
      const slope = (shift[i] ?? 0) === 0 ? 1 : (e.mean * (1 - e.mean)) / Math.max(1e-9, e.raw * (1 - e.raw))
      const spread = Math.abs(startValue(i, 1) - startValue(i, 0)) * posteriorSd(e) * slope
      const m = means[k] as number
      // Knowing q would pay when it turns out high enough to beat the best plan (or, for the best, low
      // enough to lose to the runner-up): VPI = E[(V_i − best)⁺] or E[(second − V_best)⁺].
      bonus[i] = p.voiHorizon * expectedGain(k === ranked[0] ? second - m : m - top, spread)
    })
  } else if (depth > 0 && defer && random) {
    // Thompson: value every candidate's plan by means; draw only those that could still be the best.
    const best = Math.max(...open.map((i) => startValue(i, estimate(i, 0).mean)))
    for (const i of open) {
      const e = estimate(i, 0)
      if (e.evidence >= p.exploreUntil) continue
      const d = shift[i] ?? 0
      const high = Math.min(1 - 1e-6, e.raw + p.dominanceZ * posteriorSd(e))
      if (startValue(i, d === 0 ? high : sigmoid(logit(high) + d)) >= best) e.draw = drawFor(e, d)
    }
  }
  if (depth > 0) {
    for (const i of open) {
      const e = estimate(i, 0)
      const v = startValue(i, e.draw) + (bonus[i] as number)
      candidates.push({
        model: names[i] as string,
        predicted_success: e.mean,
        sampled_success: e.draw,
        text_shift: shift[i] ?? 0,
        cost_usd: cost[i] as number,
        attempts: e.attempts,
        evidence: e.evidence,
        learning_value: bonus[i] as number,
        value: v,
      })
    }
  }
  // Stable: best value first, then cheaper, then name.
  candidates.sort((a, b) => b.value - a.value || a.cost_usd - b.cost_usd || a.model.localeCompare(b.model))

  const steps: string[] = []
  let accuracy = 0
  let spent = 0
  let reviews = 0
  let reach = 1
  if (candidates[0]) {
    let mask = 0
    let i = names.indexOf(candidates[0].model)
    for (let r = depth; i >= 0 && r > 0; r--) {
      steps.push(names[i] as string)
      const q = estimate(i, mask).mean
      spent += reach * (cost[i] as number)
      reviews += reach
      accuracy += reach * pay(q)
      reach *= 1 - q
      mask |= 1 << i
      i = r - 1 > 0 ? value(mask, r - 1).best : -1
    }
  }
  const first = stats.position(type, '*', 'first').attempts
  const after = stats.position(type, '*', 'after').attempts
  return {
    steps,
    expected_accuracy: accuracy,
    expected_cost_usd: spent,
    expected_review_cost_usd: reviews * review,
    reference_cost_usd: reference,
    cost_weight: p.costWeight,
    candidates,
    evidence: {first, after},
    sampled: random !== undefined && !voi,
    exploration: voi ? 'value' : random !== undefined && p.explore !== 'none' ? 'thompson' : 'none',
  }
}

/** E[(gap + sd·Z)⁺] for a standard normal Z: what an uncertain difference is worth where only its gain counts. */
function expectedGain(gap: number, sd: number): number {
  if (sd <= 0) return Math.max(0, gap)
  const z = gap / sd
  return sd * normalPdf(z) + gap * normalCdf(z)
}

function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI)
}

/** Φ(z), to about 1e-7 (Abramowitz & Stegun 26.2.17). */
function normalCdf(z: number): number {
  const t = 1 / (1 + 0.2316419 * Math.abs(z))
  const poly = t * (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))))
  const tail = normalPdf(z) * poly
  return z >= 0 ? 1 - tail : tail
}
