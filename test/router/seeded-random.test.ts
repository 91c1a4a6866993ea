import {describe, expect, it} from 'vitest'
import {createSeededRandom, shuffled} from '../../src/core/router/seeded-random.js'

describe('createSeededRandom', () => {
  it('gives the same sequence for the same seed and another for another seed', () => {
    const a = createSeededRandom(123)
    const b = createSeededRandom(123)
    const c = createSeededRandom(124)
    const sa = Array.from({length: 20}, a)
    expect(Array.from({length: 20}, b)).toEqual(sa)
    expect(Array.from({length: 20}, c)).not.toEqual(sa)
    for (const v of sa) expect(v >= 0 && v < 1).toBe(true)
  })

  it('is roughly uniform', () => {
    const r = createSeededRandom(9)
    const buckets = Array.from({length: 10}, () => 0)
    for (let i = 0; i < 10_000; i++) buckets[Math.floor(r() * 10)]! += 1
    for (const n of buckets) expect(n).toBeGreaterThan(850)
  })

  it('shuffles reproducibly without losing items', () => {
    const items = Array.from({length: 50}, (_, i) => i)
    const s1 = shuffled(items, createSeededRandom(5))
    expect(shuffled(items, createSeededRandom(5))).toEqual(s1)
    expect([...s1].sort((x, y) => x - y)).toEqual(items)
    expect(s1).not.toEqual(items)
  })
})
