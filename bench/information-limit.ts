/**
 * How far can any learner get on the replay's split? Issue 14's eighth round: two measurements
 * that need no router, on the same split as `npm run bench -- replay` (each training file's first
 * 70 % as warm-up, the last 30 % held out), scored against always-gpt-4 on the held-out rows.
 *
 * 1. Full information, resampled. Every model's outcome on every warm-up row is known (the loop
 *    reveals at most three per row, and none past the first approval), the cascade per file (three
 *    models) is chosen on a bootstrap resample of the warm-up rows — by accuracy minus λ × cost, or
 *    the most accurate within a cost budget — and scored on the held-out rows. The spread over
 *    resamples is what the sampling of the warm-up rows alone leaves to chance, with no learning
 *    loss at all.
 * 2. Explore, then commit. Every warm-up row tries up to three models in a random order (the
 *    exploration the warm-up's cost would pay for, free here since the warm-up is not scored),
 *    stopping at the first approval; a latent class model (K classes of rows, each model's chance
 *    per class, so models that err on different rows can be told apart) is fitted to those
 *    censored verdicts by EM (consistent: which model is tried next depends only on what was seen),
 *    and the cascade that maximises expected accuracy − λ × cost under it is played on every
 *    held-out row.
 *
 * Held-out rows are scored in expectation over the review's flips (a noisy review flips each
 * verdict with probability p), as the bound column of the replay bench is.
 *
 *   npx tsx bench/information-limit.ts [--data DIR] [--resamples 60] [--orders 12]
 */
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {parseArgs} from 'node:util'
import {readBenchFile, type BenchFile, type BenchRow} from '../src/core/replay/routerbench-file.js'
import {createSeededRandom, shuffled, type RandomSource} from '../src/core/router/seeded-random.js'
import {TUNE_FRACTION} from './replay-report.js'

const REF = 'gpt-4-1106-preview'
const FILES = ['arc_challenge_train.csv', 'mbpp_train.csv', 'winograde_train.csv']

interface Split {
  name: string
  tune: BenchRow[]
  held: BenchRow[]
}

export interface LimitResult {
  /** Mean over resamples or orders of accuracy × and cost × the reference on the held-out rows. */
  accuracy: number
  cost: number
  min: number
  max: number
  /** How many resamples or orders met `target` (accuracy ≥, cost ≤), when given. */
  meeting?: number
  runs: number
}

/** Expected [right answers, cost] of a cascade on one row, over the review's flips. */
export function cascadeOnRow(row: BenchRow, cascade: readonly string[], p: number): [number, number] {
  let reach = 1
  let right = 0
  let cost = 0
  for (const m of cascade) {
    cost += reach * (row.costs[m] ?? 0)
    const correct = row.scores[m] === 1
    const approved = correct ? 1 - p : p
    if (correct) right += reach * approved
    reach *= 1 - approved
  }
  return [right, cost]
}

function cascades(models: readonly string[], depth: number): string[][] {
  const out: string[][] = []
  const grow = (prefix: string[]) => {
    if (prefix.length === depth) return void out.push(prefix)
    for (const m of models) if (!prefix.includes(m)) grow([...prefix, m])
  }
  grow([])
  return out
}

/** The cascade with the highest value (the first of equals). */
function best(all: readonly string[][], value: (cascade: string[]) => number): string[] {
  let top = all[0] as string[]
  let topValue = -Infinity
  for (const c of all) {
    const v = value(c)
    if (v > topValue) {
      topValue = v
      top = c
    }
  }
  return top
}

function heldScore(splits: readonly Split[], chosen: ReadonlyArray<readonly string[]>, p: number): [number, number] {
  let right = 0
  let cost = 0
  let refRight = 0
  let refCost = 0
  splits.forEach((s, i) => {
    for (const row of s.held) {
      const [r, c] = cascadeOnRow(row, chosen[i] as string[], p)
      right += r
      cost += c
      if (row.scores[REF] === 1) refRight++
      refCost += row.costs[REF] ?? 0
    }
  })
  return [right / refRight, cost / refCost]
}

function summarise(runs: Array<[number, number]>, target?: {accuracy: number; cost: number}): LimitResult {
  const mean = (i: 0 | 1) => runs.reduce((a, r) => a + r[i], 0) / runs.length
  return {
    accuracy: mean(0),
    cost: mean(1),
    min: Math.min(...runs.map((r) => r[0])),
    max: Math.max(...runs.map((r) => r[0])),
    meeting: target ? runs.filter(([a, c]) => a >= target.accuracy && c <= target.cost).length : undefined,
    runs: runs.length,
  }
}

/** Measurement 1: the cascade per file chosen with every outcome of a resample of the warm-up rows known. */
export function fullInformation(
  splits: readonly Split[],
  models: readonly string[],
  opts: {p: number; lambda?: number; budget?: number; resamples: number; seed?: number; target?: {accuracy: number; cost: number}},
): LimitResult {
  const random = createSeededRandom(opts.seed ?? 42)
  const all = cascades(models, 3)
  const runs: Array<[number, number]> = []
  for (let b = 0; b < opts.resamples; b++) {
    const chosen = splits.map((s) => {
      const rows = s.tune.map(() => s.tune[Math.floor(random() * s.tune.length)] as BenchRow)
      const refCost = rows.reduce((a, r) => a + (r.costs[REF] ?? 0), 0)
      return best(all, (c) => {
        let right = 0
        let cost = 0
        for (const row of rows) {
          const [r, k] = cascadeOnRow(row, c, opts.p)
          right += r
          cost += k
        }
        return opts.budget !== undefined ? (cost <= opts.budget * refCost ? right : -Infinity) : right - ((opts.lambda ?? 0.3) * cost * rows.length) / refCost
      })
    })
    runs.push(heldScore(splits, chosen, opts.p))
  }
  return summarise(runs, opts.target)
}

interface ClassModel {
  weights: number[]
  /** chance[k][m]: model m's approval chance on a row of class k. */
  chance: number[][]
}

/** EM for a latent class model over censored verdicts ([model index, 0|1] per tried model), best of `restarts`. */
export function fitClasses(rows: ReadonlyArray<ReadonlyArray<readonly [number, number]>>, models: number, classes: number, random: RandomSource, restarts = 8): ClassModel {
  let best: (ClassModel & {logLikelihood: number}) | undefined
  for (let attempt = 0; attempt < restarts; attempt++) {
    let weights = Array.from({length: classes}, () => 1 / classes)
    let chance = Array.from({length: classes}, () => Array.from({length: models}, () => 0.2 + 0.6 * random()))
    let logLikelihood = -Infinity
    for (let step = 0; step < 300; step++) {
      const hits = chance.map((row) => row.map(() => 1))
      const tries = chance.map((row) => row.map(() => 2))
      const mass = weights.map(() => 1)
      let ll = 0
      for (const seen of rows) {
        const joint = weights.map((w, k) => seen.reduce((x, [m, v]) => x * (v ? (chance[k]?.[m] as number) : 1 - (chance[k]?.[m] as number)), w))
        const total = joint.reduce((a, b) => a + b, 0)
        ll += Math.log(total)
        joint.forEach((j, k) => {
          const g = j / total
          mass[k] = (mass[k] as number) + g
          for (const [m, v] of seen) {
            ;(hits[k] as number[])[m] = ((hits[k] as number[])[m] as number) + g * v
            ;(tries[k] as number[])[m] = ((tries[k] as number[])[m] as number) + g
          }
        })
      }
      const sum = mass.reduce((a, b) => a + b, 0)
      weights = mass.map((x) => x / sum)
      chance = hits.map((row, k) => row.map((h, m) => h / ((tries[k] as number[])[m] as number)))
      const done = ll - logLikelihood < 1e-7
      logLikelihood = ll
      if (done) break
    }
    if (!best || logLikelihood > best.logLikelihood) best = {weights, chance, logLikelihood}
  }
  return best as ClassModel
}

/** Measurement 2: explore the warm-up rows uniformly, fit classes, commit to the best cascade per file. */
export function exploreThenCommit(
  splits: readonly Split[],
  models: readonly string[],
  opts: {p: number; lambda: number; classes: number; orders: number; assumedFlip?: number; target?: {accuracy: number; cost: number}},
): LimitResult {
  const all = [...cascades(models, 1), ...cascades(models, 2), ...cascades(models, 3)]
  const eps = opts.assumedFlip ?? opts.p
  const runs: Array<[number, number]> = []
  for (let order = 1; order <= opts.orders; order++) {
    const random = createSeededRandom(order * 7919 + 13)
    const chosen = splits.map((s) => {
      const rows = shuffled(s.tune, random)
      const seen: Array<Array<[number, number]>> = []
      const spent = models.map(() => 0)
      const tried = models.map(() => 0)
      for (const row of rows) {
        const path: Array<[number, number]> = []
        for (const m of shuffled(models.map((_, i) => i), random).slice(0, 3)) {
          const name = models[m] as string
          const truth = row.scores[name] === 1 ? 1 : 0
          const verdict = random() < opts.p ? 1 - truth : truth
          path.push([m, verdict])
          spent[m] = (spent[m] as number) + (row.costs[name] ?? 0)
          tried[m] = (tried[m] as number) + 1
          if (verdict === 1) break
        }
        seen.push(path)
      }
      const fit = fitClasses(seen, models.length, opts.classes, random)
      const price = spent.map((x, m) => x / Math.max(1, tried[m] as number))
      const refPrice = price[models.indexOf(REF)] as number
      return best(all, (c) => {
        let right = 0
        let cost = 0
        fit.weights.forEach((w, k) => {
          let reach = 1
          for (const name of c) {
            const m = models.indexOf(name)
            const approve = (fit.chance[k] as number[])[m] as number
            const correct = Math.min(1, Math.max(0, (approve - eps) / (1 - 2 * eps)))
            cost += w * reach * (price[m] as number)
            right += w * reach * correct * (1 - eps)
            reach *= 1 - approve
          }
        })
        return right - (opts.lambda * cost) / refPrice
      })
    })
    runs.push(heldScore(splits, chosen, opts.p))
  }
  return summarise(runs, opts.target)
}

async function loadSplits(data: string): Promise<{splits: Split[]; models: string[]}> {
  const files: BenchFile[] = await Promise.all(FILES.map((f) => readBenchFile(join(data, f))))
  const splits = files.map((f) => {
    const cut = Math.floor(f.rows.length * TUNE_FRACTION)
    return {name: f.name, tune: f.rows.slice(0, cut), held: f.rows.slice(cut)}
  })
  return {splits, models: [...(files[0] as BenchFile).models]}
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const {values} = parseArgs({options: {data: {type: 'string'}, resamples: {type: 'string', default: '60'}, orders: {type: 'string', default: '12'}}})
  const data = values.data ?? join(import.meta.dirname, '..', '..', 'shared', 'data', 'routerbench')
  const {splits, models} = await loadSplits(data)
  const resamples = Number(values.resamples)
  const orders = Number(values.orders)
  const show = (label: string, r: LimitResult) =>
    console.log(
      `${label.padEnd(58)} ${r.accuracy.toFixed(3)} × at ${(100 * r.cost).toFixed(1)} % (${r.min.toFixed(3)}–${r.max.toFixed(3)} over ${r.runs})${r.meeting === undefined ? '' : `; meets the target in ${r.meeting} of ${r.runs}`}`,
    )
  const warmPerfect = {accuracy: 1.07, cost: 0.1}
  const warmNoisy = {accuracy: 1.01, cost: 0.1}
  console.log('Full information on a resample of the warm-up rows (accuracy × and cost × gpt-4 on the held-out rows):')
  show('  perfect review, λ 0.3', fullInformation(splits, models, {p: 0, lambda: 0.3, resamples, target: warmPerfect}))
  show('  perfect review, most accurate within 10 % per file', fullInformation(splits, models, {p: 0, budget: 0.1, resamples, target: warmPerfect}))
  show('  noisy review 0.1, λ 0.3', fullInformation(splits, models, {p: 0.1, lambda: 0.3, resamples, target: warmNoisy}))
  show('  noisy review 0.1, most accurate within 10 % per file', fullInformation(splits, models, {p: 0.1, budget: 0.1, resamples, target: warmNoisy}))
  console.log('Explore every warm-up row uniformly (free), fit a latent class model, commit:')
  for (const classes of [2, 3]) {
    show(`  perfect review, ${classes} classes, λ 0.3`, exploreThenCommit(splits, models, {p: 0, lambda: 0.3, classes, orders, target: warmPerfect}))
    show(`  noisy review 0.1, ${classes} classes, λ 0.3`, exploreThenCommit(splits, models, {p: 0.1, lambda: 0.3, classes, orders, target: warmNoisy}))
    show(`  noisy review 0.1, ${classes} classes, λ 0.4`, exploreThenCommit(splits, models, {p: 0.1, lambda: 0.4, classes, orders, target: warmNoisy}))
  }
}
