import {describe, expect, it} from 'vitest'
import {MemoryPerfStore} from '../../src/core/replay/memory-perf-store.js'
import {expectedCost, planCascade, type PlanInput} from '../../src/core/router/cascade-plan.js'
import {MemoryCascadeStats} from '../../src/core/router/cascade-stats.js'
import {createSeededRandom} from '../../src/core/router/seeded-random.js'
import {model, observeMany, recordMany} from './helpers.js'

const models = [model('cheap', {callCostUsd: 0.001}), model('mid', {callCostUsd: 0.003}), model('dear', {callCostUsd: 0.05, group: 'claude'})]

function learned(): MemoryCascadeStats {
  const s = new MemoryCascadeStats()
  observeMany(s, 'cheap', 'coding', 300, 180, {cost: 0.001})
  observeMany(s, 'mid', 'coding', 100, 70, {cost: 0.003})
  observeMany(s, 'mid', 'coding', 100, 35, {failed: ['cheap'], cost: 0.003})
  observeMany(s, 'dear', 'coding', 100, 90, {failed: ['cheap'], cost: 0.05})
  observeMany(s, 'dear', 'coding', 100, 85, {failed: ['cheap', 'mid'], cost: 0.05})
  observeMany(s, 'mid', 'coding', 50, 10, {failed: ['cheap', 'dear'], cost: 0.003})
  return s
}
// Reviews taken as right and σ fixed here (reviewError 0, difficultyFit 0): what an assumed review
// error and a fitted σ change have their own tests (below, and success-estimate.test.ts).
const input = (over: Partial<PlanInput> = {}): PlanInput => ({type: 'coding', models, attemptsLeft: 3, stats: learned(), perf: new MemoryPerfStore(), ...over, params: {reviewError: 0, estimate: {difficultyFit: 0}, ...over.params}})

describe('planCascade', () => {
  it('puts the cheap model first and the dear one last, and says what the cascade should reach and cost', () => {
    const p = planCascade(input())
    expect(p.steps).toEqual(['cheap', 'mid', 'dear'])
    const q1 = p.candidates.find((c) => c.model === 'cheap')!.predicted_success
    expect(q1).toBeCloseTo(0.6, 1)
    // Expected accuracy and cost follow the steps: q1 + (1 − q1) q2 + …, cost of each step times the chance to reach it.
    expect(p.expected_accuracy).toBeGreaterThan(0.9)
    expect(p.expected_accuracy).toBeLessThan(1)
    expect(p.expected_cost_usd).toBeGreaterThan(0.001 + (1 - q1) * 0.003)
    expect(p.expected_cost_usd).toBeLessThan(0.001 + (1 - q1) * 0.003 + (1 - q1) * 0.05)
    expect(p.reference_cost_usd).toBeCloseTo(0.05, 6)
    expect(p.evidence).toEqual({first: 400, after: 350})
    expect(p.sampled).toBe(false)
  })

  it('with two attempts and a high cost weight leaves the dear model out; with none, takes it', () => {
    expect(planCascade(input({attemptsLeft: 2, params: {costWeight: 5}})).steps).toEqual(['cheap', 'mid'])
    const free = planCascade(input({attemptsLeft: 2, params: {costWeight: 0}}))
    expect(free.steps).toContain('dear')
    expect(free.expected_accuracy).toBeGreaterThan(planCascade(input({attemptsLeft: 2, params: {costWeight: 5}})).expected_accuracy)
  })

  it('plans from where the task is: after cheap failed, the dear model follows at once with one attempt left', () => {
    const p = planCascade(input({failed: ['cheap'], attemptsLeft: 1}))
    expect(p.steps).toEqual(['dear'])
    expect(p.candidates.map((c) => c.model).sort()).toEqual(['dear', 'mid'])
    const two = planCascade(input({failed: ['cheap'], attemptsLeft: 2}))
    expect(two.steps).toHaveLength(2)
  })

  it('only offers the allowed models for the next attempt, but may plan any model after it', () => {
    const p = planCascade(input({next: ['cheap', 'mid']}))
    expect(p.candidates.map((c) => c.model).sort()).toEqual(['cheap', 'mid'])
    expect(p.steps.slice(1)).toContain('dear')
  })

  it('counts the CTO\'s review of each attempt: an expensive review favours fewer, surer attempts', () => {
    const s = new MemoryCascadeStats()
    observeMany(s, 'cheap', 'coding', 200, 40, {cost: 0.001})
    observeMany(s, 'mid', 'coding', 200, 180, {cost: 0.003})
    const withReview = planCascade({type: 'coding', models, next: ['cheap', 'mid'], attemptsLeft: 2, stats: s, perf: new MemoryPerfStore(), reviewCostUsd: 0.01})
    expect(withReview.steps[0]).toBe('mid')
    expect(withReview.expected_review_cost_usd).toBeGreaterThan(0.01)
  })

  it('with Thompson sampling (voiHorizon 0) draws the next attempt\'s chances: reproducible, exploring what has no evidence', () => {
    const fresh = new MemoryCascadeStats()
    const firsts = (seed: number) => {
      const random = createSeededRandom(seed)
      return Array.from({length: 60}, () => planCascade(input({stats: fresh, random, params: {costWeight: 0, voiHorizon: 0}})).steps[0])
    }
    expect(firsts(2)).toEqual(firsts(2))
    expect(new Set(firsts(2)).size).toBe(3)
    const p = planCascade(input({random: createSeededRandom(1), params: {voiHorizon: 0}}))
    expect(p.sampled).toBe(true)
    expect(p.exploration).toBe('thompson')
    expect(p.candidates.every((c) => c.sampled_success >= 0 && c.sampled_success <= 1)).toBe(true)
  })

  it('prices that a review can be wrong: with an assumed review error the surer model goes first, since an approved wrong answer ends the task', () => {
    const pair = [model('weak', {callCostUsd: 0.001}), model('strong', {callCostUsd: 0.002}), model('dear', {callCostUsd: 0.05})]
    const s = new MemoryCascadeStats()
    observeMany(s, 'weak', 'coding', 1000, 600, {cost: 0.001})
    observeMany(s, 'strong', 'coding', 1000, 700, {cost: 0.002})
    observeMany(s, 'strong', 'coding', 1000, 700, {failed: ['weak'], cost: 0.002})
    observeMany(s, 'weak', 'coding', 1000, 600, {failed: ['strong'], cost: 0.001})
    const plan = (reviewError: number) => planCascade({type: 'coding', models: pair, attemptsLeft: 2, stats: s, perf: new MemoryPerfStore(), params: {reviewError}})
    // Reviews taken as right: both orders reach 0.88, the cheap one first costs less.
    expect(plan(0).steps).toEqual(['weak', 'strong'])
    expect(plan(0).expected_accuracy).toBeCloseTo(0.88, 2)
    // A review wrong one time in ten approves 4 % of the weak model's answers wrongly, and that ends the task.
    const noisy = plan(0.1)
    expect(noisy.steps).toEqual(['strong', 'weak'])
    // Approved and right: (a − ε)/(1 − 2ε) · (1 − ε) of each step reached.
    expect(noisy.expected_accuracy).toBeCloseTo(((0.7 - 0.1) / 0.8) * 0.9 + 0.3 * ((0.6 - 0.1) / 0.8) * 0.9, 2)
  })

  it('shrinks a model\'s recorded cost toward its price list: one long call does not make it look dearer for good', () => {
    const dear = model('dear', {callCostUsd: 0.05})
    const perf = new MemoryPerfStore()
    const s = new MemoryCascadeStats()
    recordMany(perf, 'dear', 'coding', 1, 1, {cost: 0.15})
    observeMany(s, 'dear', 'coding', 1, 1, {failed: ['cheap'], cost: 0.15})
    // One attempt against three at the price list: (0.15 + 3 · 0.05) / 4 over every type, then on the type.
    const overall = (0.15 + 3 * 0.05) / 4
    expect(expectedCost(dear, '*', s, perf, 3)).toBeCloseTo(overall, 6)
    expect(expectedCost(dear, 'coding', s, perf, 3)).toBeCloseTo((0.15 + 3 * overall) / 4, 6)
    // Without shrinking, the one call is the model's cost.
    expect(expectedCost(dear, 'coding', s, perf, 0)).toBeCloseTo(0.15, 6)
    // With many attempts the record decides.
    recordMany(perf, 'dear', 'coding', 199, 199, {cost: 0.15})
    observeMany(s, 'dear', 'coding', 199, 199, {failed: ['cheap'], cost: 0.15})
    expect(expectedCost(dear, 'coding', s, perf, 3)).toBeGreaterThan(0.148)
  })

  it('with Thompson sampling does not draw a candidate that could not start the best plan even at the top of its posterior', () => {
    const s = new MemoryCascadeStats()
    observeMany(s, 'cheap', 'coding', 90, 80, {cost: 0.001})
    observeMany(s, 'mid', 'coding', 90, 10, {cost: 0.003})
    observeMany(s, 'dear', 'coding', 30, 27, {failed: ['cheap'], cost: 0.05})
    observeMany(s, 'dear', 'coding', 30, 27, {failed: ['mid'], cost: 0.05})
    const run = (dominanceZ: number) => {
      const random = createSeededRandom(3)
      return Array.from({length: 20}, () => planCascade(input({stats: s, random, params: {dominanceZ, voiHorizon: 0}})).candidates.find((c) => c.model === 'mid')!)
    }
    // 'mid' succeeds 1 time in 9 with 90 attempts: far below 'cheap', which costs less.
    for (const c of run(1)) expect(c.sampled_success).toBe(c.predicted_success)
    // Without the pruning every candidate under 100 attempts is drawn.
    expect(run(0).some((c) => c.sampled_success !== c.predicted_success)).toBe(true)
    // 'cheap' can still start the best plan: it is drawn either way.
    const random = createSeededRandom(3)
    const cheap = planCascade(input({stats: s, random, params: {dominanceZ: 1, voiHorizon: 0}})).candidates.find((c) => c.model === 'cheap')!
    expect(cheap.sampled_success).not.toBe(cheap.predicted_success)
  })

  it('explores by value of information: a cheap model with thin evidence gets the next attempt while it might be the best, not once it is known', () => {
    const pair = [model('cheap', {callCostUsd: 0.001}), model('mid', {callCostUsd: 0.003}), model('dear', {callCostUsd: 0.05, group: 'claude'})]
    const stats = (n: number, ok: number) => {
      const s = new MemoryCascadeStats()
      observeMany(s, 'mid', 'coding', 200, 140, {cost: 0.003})
      observeMany(s, 'cheap', 'coding', n, ok, {cost: 0.001})
      observeMany(s, 'dear', 'coding', 100, 90, {failed: ['mid'], cost: 0.05})
      observeMany(s, 'dear', 'coding', 100, 85, {failed: ['cheap'], cost: 0.05})
      observeMany(s, 'cheap', 'coding', 50, 15, {failed: ['mid'], cost: 0.001})
      observeMany(s, 'mid', 'coding', 50, 25, {failed: ['cheap'], cost: 0.003})
      return s
    }
    const plan = (s: MemoryCascadeStats, random?: ReturnType<typeof createSeededRandom>) => planCascade({type: 'coding', models: pair, next: ['cheap', 'mid'], attemptsLeft: 3, stats: s, perf: new MemoryPerfStore(), random})
    // 2 of 4: by means the known model starts the better plan; the cheap one might be better, and trying it costs little.
    const thin = stats(4, 2)
    expect(plan(thin).steps[0]).toBe('mid')
    const explored = plan(thin, createSeededRandom(1))
    expect(explored.exploration).toBe('value')
    expect(explored.sampled).toBe(false)
    expect(explored.steps[0]).toBe('cheap')
    const [cheap, mid] = ['cheap', 'mid'].map((m) => explored.candidates.find((c) => c.model === m)!)
    expect(cheap!.learning_value).toBeGreaterThan(mid!.learning_value)
    // Its value is the plan's by means plus what trying it teaches.
    expect(cheap!.value).toBeCloseTo(plan(thin).candidates.find((c) => c.model === 'cheap')!.value + cheap!.learning_value, 9)
    // The same at 200 of 400: it is known to be worse, and what trying it teaches is next to nothing.
    const known = plan(stats(400, 200), createSeededRandom(1))
    expect(known.steps[0]).toBe('mid')
    expect(known.candidates.find((c) => c.model === 'cheap')!.learning_value).toBeLessThan(1e-4)
    // No draws: another random source gives the same plan.
    expect(plan(thin, createSeededRandom(99)).candidates).toEqual(explored.candidates)
  })
})
