import {describe, expect, it} from 'vitest'
import {MemoryPerfStore} from '../../src/core/replay/memory-perf-store.js'
import {MemoryCascadeStats} from '../../src/core/router/cascade-stats.js'
import {createEstimator, estimateSuccess, fitDifficulty} from '../../src/core/router/success-estimate.js'
import {observeMany, recordMany} from './helpers.js'

describe('estimateSuccess', () => {
  it('is wide with no evidence and narrows toward the recorded rate as attempts accumulate', () => {
    const s = new MemoryCascadeStats()
    const none = estimateSuccess(s, 'coding', 'a', [])
    expect(none.mean).toBeCloseTo(0.5, 5)
    expect(none.strength).toBeLessThanOrEqual(3)
    observeMany(s, 'a', 'coding', 200, 180)
    const many = estimateSuccess(s, 'coding', 'a', [])
    expect(many.mean).toBeGreaterThan(0.88)
    expect(many.strength).toBeGreaterThan(200)
    expect(many).toMatchObject({evidence: 200, attempts: 200})
  })

  it('judges a model used after failures by what it does there, apart from its first attempts', () => {
    const s = new MemoryCascadeStats()
    // b is always tried after a failed, on the hard tasks, and fixes 60 % of them.
    observeMany(s, 'a', 'coding', 100, 70)
    observeMany(s, 'b', 'coding', 30, 18, {failed: ['a']})
    const after = estimateSuccess(s, 'coding', 'b', ['a'])
    expect(after.mean).toBeGreaterThan(0.5)
    expect(after.mean).toBeLessThan(0.7)
    expect(after.evidence).toBe(30)
    // Its first-attempt estimate is not dragged down by the hard tasks it saw.
    expect(estimateSuccess(s, 'coding', 'b', []).mean).toBeGreaterThan(0.6)
  })

  it('after a failure, expects less of everyone, and least less of a strong model (latent difficulty)', () => {
    const s = new MemoryCascadeStats()
    observeMany(s, 'weak', 'coding', 200, 80)
    observeMany(s, 'strong', 'coding', 200, 180)
    observeMany(s, 'cheap', 'coding', 200, 120)
    const strongFirst = estimateSuccess(s, 'coding', 'strong', []).mean
    const weakFirst = estimateSuccess(s, 'coding', 'weak', []).mean
    const strongAfter = estimateSuccess(s, 'coding', 'strong', ['cheap']).mean
    const weakAfter = estimateSuccess(s, 'coding', 'weak', ['cheap']).mean
    expect(strongAfter).toBeLessThan(strongFirst)
    expect(weakAfter).toBeLessThan(weakFirst)
    expect(strongAfter / strongFirst).toBeGreaterThan(weakAfter / weakFirst)
    // Two failures say more about the task than one.
    expect(estimateSuccess(s, 'coding', 'strong', ['cheap', 'weak']).mean).toBeLessThan(strongAfter)
  })

  it('learns what the latent difficulty misses: on two-option tasks, the other model is right once one failed', () => {
    const s = new MemoryCascadeStats()
    observeMany(s, 'left', 'analysis', 200, 100)
    observeMany(s, 'right', 'analysis', 200, 100)
    observeMany(s, 'right', 'analysis', 40, 38, {failed: ['left']})
    const e = estimateSuccess(s, 'analysis', 'right', ['left'])
    expect(e.mean).toBeGreaterThan(0.85)
    expect(estimateSuccess(s, 'analysis', 'left', ['right']).mean).toBeLessThan(0.5)
  })

  it('judges a model after one failure by what it did right after that failure, not after two', () => {
    const s = new MemoryCascadeStats()
    observeMany(s, 'a', 'analysis', 200, 120)
    observeMany(s, 'b', 'analysis', 200, 120)
    // c as the second attempt, after a failed: right 2 times in 10. As the third, after a and b
    // failed (a two-option task: both picked the wrong one), right every time: the tally after
    // a failed mixes both and says 60 %.
    observeMany(s, 'c', 'analysis', 40, 8, {failed: ['a']})
    observeMany(s, 'c', 'analysis', 40, 40, {failed: ['a', 'b']})
    expect(s.afterModel('analysis', 'c', 'a')).toMatchObject({attempts: 80, successes: 48})
    const second = estimateSuccess(s, 'analysis', 'c', ['a'])
    expect(second.mean).toBeLessThan(0.3)
    expect(second.evidence).toBe(40)
    expect(estimateSuccess(s, 'analysis', 'c', ['a', 'b']).mean).toBeGreaterThan(0.85)
  })

  it('uses the store\'s per-type totals for attempts the cascade totals lack (cto task before phase B)', () => {
    const perf = new MemoryPerfStore()
    recordMany(perf, 'a', 'coding', 50, 45)
    const s = new MemoryCascadeStats()
    expect(estimateSuccess(s, 'coding', 'a', [], {}, perf).mean).toBeGreaterThan(0.75)
    expect(estimateSuccess(s, 'coding', 'a', []).mean).toBeCloseTo(0.5, 5)
  })

  it('learns from what followed failures how far one failure says the task is hard (σ), and plans unseen cascades with it', () => {
    const names = ['a', 'b', 'c', 'd']
    // Failures are nearly independent here: after one model failed, the others still succeed 7 times in 10.
    const independent = new MemoryCascadeStats()
    for (const m of names) observeMany(independent, m, 'coding', 300, 210)
    observeMany(independent, 'b', 'coding', 100, 70, {failed: ['a']})
    observeMany(independent, 'c', 'coding', 100, 68, {failed: ['b']})
    observeMany(independent, 'a', 'coding', 100, 71, {failed: ['c']})
    const first = (m: string) => estimateSuccess(independent, 'coding', m, []).mean
    expect(fitDifficulty(independent, 'coding', names, first, 6, 1)).toBeLessThanOrEqual(1)
    // d was never tried after a failure: the fitted σ expects about its first-attempt rate after a and b failed, the fixed σ = 6 far less.
    const fitted = createEstimator(independent, 'coding', {difficultyFit: 1}, undefined, names)('d', ['a', 'b']).mean
    const fixed = createEstimator(independent, 'coding', {difficultyFit: 0}, undefined, names)('d', ['a', 'b']).mean
    expect(fitted).toBeGreaterThan(0.55)
    expect(fixed).toBeLessThan(0.45)
    // Where a failure does say the task is hard (the others then succeed 1 time in 10), σ comes out large.
    const correlated = new MemoryCascadeStats()
    for (const m of names) observeMany(correlated, m, 'coding', 300, 210)
    observeMany(correlated, 'b', 'coding', 100, 10, {failed: ['a']})
    observeMany(correlated, 'c', 'coding', 100, 12, {failed: ['b']})
    observeMany(correlated, 'a', 'coding', 100, 9, {failed: ['c']})
    expect(fitDifficulty(correlated, 'coding', names, (m) => estimateSuccess(correlated, 'coding', m, []).mean, 6, 1)).toBeGreaterThanOrEqual(4)
    // No tallies after failures: the prior σ stands.
    expect(fitDifficulty(new MemoryCascadeStats(), 'coding', names, () => 0.7, 6, 1)).toBe(6)
  })
})
