import {describe, expect, it} from 'vitest'
import {MemoryPerfStore} from '../../src/core/replay/memory-perf-store.js'
import {planCascade, type PlanInput} from '../../src/core/router/cascade-plan.js'
import {MemoryCascadeStats} from '../../src/core/router/cascade-stats.js'
import {createSeededRandom} from '../../src/core/router/seeded-random.js'
import {model, observeMany} from './helpers.js'

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
const input = (over: Partial<PlanInput> = {}): PlanInput => ({type: 'coding', models, attemptsLeft: 3, stats: learned(), perf: new MemoryPerfStore(), ...over})

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

  it('draws the next attempt\'s chances when given a random source: reproducible, exploring what has no evidence', () => {
    const fresh = new MemoryCascadeStats()
    const firsts = (seed: number) => {
      const random = createSeededRandom(seed)
      return Array.from({length: 60}, () => planCascade(input({stats: fresh, random, params: {costWeight: 0}})).steps[0])
    }
    expect(firsts(2)).toEqual(firsts(2))
    expect(new Set(firsts(2)).size).toBe(3)
    const p = planCascade(input({random: createSeededRandom(1)}))
    expect(p.sampled).toBe(true)
    expect(p.candidates.every((c) => c.sampled_success >= 0 && c.sampled_success <= 1)).toBe(true)
  })
})
