import {describe, expect, it} from 'vitest'
import {distinctPrompts, perTypeBound} from '../../bench/type-bound.js'
import type {BenchRow} from '../../src/core/replay/routerbench-file.js'

// The replay bench's bound: one fixed cascade per file chosen knowing the warm-up rows, the best
// held-out accuracy whose cost stays within a budget. Two files: on X a cheap model is right on 8
// rows of 10 (the reference on all), on Y the cheap one never and a mid-priced one on 9.
const costs = {cheap: 1, mid: 5, ref: 100}
function rows(file: string, right: Record<string, (i: number) => boolean>, prompt: (i: number) => string): BenchRow[] {
  return Array.from({length: 10}, (_, i) => ({
    file,
    line: i + 2,
    sampleId: `${file}${i}`,
    evalName: file,
    prompt: prompt(i),
    scores: Object.fromEntries(Object.entries(right).map(([m, f]) => [m, f(i) ? 1 : 0])),
    costs,
  }))
}
const x = rows('x', {cheap: (i) => i < 8, mid: (i) => i < 5, ref: () => true}, () => 'the same few-shot opening')
const y = rows('y', {cheap: () => false, mid: (i) => i < 9, ref: () => true}, (i) => `question ${i}`)
const files = [
  {tune: x, held: x},
  {tune: y, held: y},
]
const models = ['cheap', 'mid', 'ref']

describe('the per-type bound of the replay bench', () => {
  it('picks one cascade per file, the most accurate set whose held-out cost fits the budget', () => {
    // 5 %: cheap on X (8 right, cost 10), mid on Y (9 right, cost 50): 17 of the reference's 20 at 60 of 2,000.
    const tight = perTypeBound(files, models, {kind: 'perfect'}, 'ref', 0.05)
    expect(tight?.cascades).toEqual(['cheap', 'mid'])
    expect(tight?.acc_ratio).toBeCloseTo(17 / 20, 9)
    expect(tight?.cost_ratio).toBeCloseTo(60 / 2000, 9)
    // 20 %: the reference after the cheap model on X (cost 10 + 2 · 100) and after mid on Y (50 + 100): all 20 right.
    const loose = perTypeBound(files, models, {kind: 'perfect'}, 'ref', 0.2)
    expect(loose?.acc_ratio).toBeCloseTo(1, 9)
    expect(loose?.cost_ratio).toBeLessThanOrEqual(0.2)
    expect(loose?.cascades).toEqual(['cheap → ref', 'mid → ref'])
    // No budget is met below the cheapest cascades' cost.
    expect(perTypeBound(files, models, {kind: 'perfect'}, 'ref', 0.001)).toBeUndefined()
  })

  it('prices a noisy review: an approved wrong answer ends the row', () => {
    // noisy:0.1 on X with the cheap model alone: 8 right rows approved 0.9 of the time.
    const b = perTypeBound([{tune: x, held: x}], ['cheap'], {kind: 'noisy', p: 0.1}, 'cheap', 1)
    expect(b?.acc_ratio).toBeCloseTo((8 * 0.9) / 8, 9)
  })

  it('counts the distinct prompts of a file', () => {
    expect(distinctPrompts(x)).toBe(1)
    expect(distinctPrompts(y)).toBe(10)
  })
})
