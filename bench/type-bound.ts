/**
 * What learning could reach at best on the replay's split: one fixed cascade per file (per task
 * type), each chosen knowing the outcomes of that file's warm-up rows, with the cost weight λ
 * chosen so that the held-out rows' cost stays within a budget. It is a bound, not a policy: the
 * router has to learn what this is told, and the λ is picked looking at the held-out cost.
 *
 * Where every row of a file has the same prompt (RouterBench's ARC-Challenge and Winogrande
 * exports cut each prompt at 600 characters, inside the few-shot examples that open it), no router
 * can tell that file's rows apart, so the best it can do there is this one cascade; the oracle
 * (the cheapest right model per row) sees what no router can. `distinctPrompts` counts that.
 */
import type {BenchRow} from '../src/core/replay/routerbench-file.js'
import {cascadeSequences, scoreCascade} from '../src/core/replay/fixed-cascade.js'
import type {ReviewMode} from '../src/core/replay/replay-types.js'

export interface TypeBound {
  /** Accuracy and cost on the held-out rows of every file, against the reference model's there. */
  acc_ratio: number
  cost_ratio: number
  cost_weight: number
  /** One cascade per file, in the files' order (short model names). */
  cascades: string[]
}

interface Scored {
  models: string[]
  tuneCorrect: number
  tuneCost: number
  heldCorrect: number
  heldCost: number
}

/**
 * The best held-out accuracy over λ (grid 0 … 2 by 0.005) whose held-out cost is within `budget`
 * × the reference's (the cheaper of equals); undefined when no λ keeps it.
 */
export function perTypeBound(files: ReadonlyArray<{tune: readonly BenchRow[]; held: readonly BenchRow[]}>, models: readonly string[], review: ReviewMode, reference: string, budget: number, depth = 3): TypeBound | undefined {
  const allTune = files.flatMap((f) => f.tune)
  const allHeld = files.flatMap((f) => f.held)
  if (allTune.length === 0 || allHeld.length === 0) return undefined
  const refCostTune = allTune.reduce((s, r) => s + (r.costs[reference] ?? 0), 0) / allTune.length
  const refCorrect = allHeld.filter((r) => r.scores[reference] === 1).length
  const refCost = allHeld.reduce((s, r) => s + (r.costs[reference] ?? 0), 0)
  if (refCostTune <= 0 || refCorrect === 0 || refCost <= 0) return undefined
  const seqs = cascadeSequences(models, depth)
  const scored: Scored[][] = files.map((f) =>
    seqs.map((models) => {
      const t = scoreCascade(f.tune, models, review)
      const h = scoreCascade(f.held, models, review)
      return {models, tuneCorrect: t.correct / Math.max(1, f.tune.length), tuneCost: t.cost_usd / Math.max(1, f.tune.length), heldCorrect: h.correct, heldCost: h.cost_usd}
    }),
  )
  let best: TypeBound | undefined
  for (let step = 0; step <= 400; step++) {
    const lambda = step * 0.005
    let correct = 0
    let cost = 0
    const cascades: string[] = []
    for (const options of scored) {
      let pick: Scored | undefined
      let value = Number.NEGATIVE_INFINITY
      for (const s of options) {
        const v = s.tuneCorrect - (lambda * s.tuneCost) / refCostTune
        if (v > value + 1e-12) {
          value = v
          pick = s
        }
      }
      if (!pick) continue
      correct += pick.heldCorrect
      cost += pick.heldCost
      cascades.push(pick.models.map((m) => m.split('/').pop()).join(' → '))
    }
    const acc = correct / refCorrect
    const c = cost / refCost
    if (c <= budget && (!best || acc > best.acc_ratio + 1e-12 || (acc > best.acc_ratio - 1e-12 && c < best.cost_ratio))) best = {acc_ratio: acc, cost_ratio: c, cost_weight: lambda, cascades}
  }
  return best
}

/** How many different prompts a file's rows have. */
export function distinctPrompts(rows: readonly BenchRow[]): number {
  return new Set(rows.map((r) => r.prompt)).size
}
