/**
 * The reference the router has to beat: the best fixed cascade, chosen on the warm-up rows.
 *
 * A fixed cascade is one sequence of models used for every row: the first answers; a rejection
 * passes the row to the next; blocked after the last. Its accuracy and cost on rows are exact
 * expectations under the review mode (noisy:p approves a wrong answer with chance p and rejects a
 * right one with chance p; no result is a failure, never approved), so no random draw is involved.
 * "Best" uses the router's own objective (cascade-plan.ts): the highest mean accuracy − λ · mean
 * cost / c_ref, with c_ref the dearest model's mean cost on those rows, over every ordered
 * sequence of up to `maxAttempts` (at most 3) distinct models.
 */
import type {BenchRow} from './routerbench-file.js'
import type {ReviewMode} from './replay-types.js'

export interface CascadeScore {
  /** Expected correct answers and cost, summed over the rows. */
  correct: number
  cost_usd: number
}

/** Expected outcome of one cascade on one row. */
export function cascadeOnRow(row: BenchRow, models: readonly string[], review: ReviewMode): CascadeScore {
  const p = review.kind === 'noisy' ? review.p : 0
  let reach = 1
  let correct = 0
  let cost = 0
  for (const m of models) {
    if (reach <= 0) break
    cost += reach * (row.costs[m] ?? 0)
    const s = row.scores[m]
    if (s === undefined) continue
    const approve = s === 1 ? 1 - p : p
    if (s === 1) correct += reach * approve
    reach *= 1 - approve
  }
  return {correct, cost_usd: cost}
}

export function scoreCascade(rows: readonly BenchRow[], models: readonly string[], review: ReviewMode): CascadeScore {
  let correct = 0
  let cost = 0
  for (const row of rows) {
    const r = cascadeOnRow(row, models, review)
    correct += r.correct
    cost += r.cost_usd
  }
  return {correct, cost_usd: cost}
}

export interface FixedCascadeChoice {
  models: string[]
  /** On the rows it was chosen on. */
  rows: number
  accuracy: number
  cost_usd: number
  cost_weight: number
}

export function bestFixedCascade(rows: readonly BenchRow[], models: readonly string[], review: ReviewMode, options: {maxAttempts: number; costWeight: number}): FixedCascadeChoice | undefined {
  if (rows.length === 0 || models.length === 0) return undefined
  const meanCost = (m: string) => rows.reduce((s, r) => s + (r.costs[m] ?? 0), 0) / rows.length
  const reference = Math.max(...models.map(meanCost))
  const scale = reference > 0 ? options.costWeight / reference : 0
  let best: FixedCascadeChoice | undefined
  let bestValue = Number.NEGATIVE_INFINITY
  for (const sequence of cascadeSequences(models, Math.max(1, Math.min(3, options.maxAttempts)))) {
    const s = scoreCascade(rows, sequence, review)
    const accuracy = s.correct / rows.length
    const cost = s.cost_usd / rows.length
    const value = accuracy - scale * cost
    if (value > bestValue + 1e-12) {
      bestValue = value
      best = {models: sequence, rows: rows.length, accuracy, cost_usd: s.cost_usd, cost_weight: options.costWeight}
    }
  }
  return best
}

/** Every ordered sequence of 1 to `depth` distinct models, each prefix before its extensions. */
export function cascadeSequences(models: readonly string[], depth: number): string[][] {
  const out: string[][] = []
  const visit = (prefix: string[]) => {
    if (prefix.length > 0) out.push(prefix)
    if (prefix.length >= depth) return
    for (const m of models) if (!prefix.includes(m)) visit([...prefix, m])
  }
  visit([])
  return out
}
