import {describe, expect, it} from 'vitest'
import {sampleBeta, sampleGamma} from '../../src/core/router/beta-sample.js'
import {createSeededRandom} from '../../src/core/router/seeded-random.js'

const moments = (xs: number[]) => {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length
  return {mean, variance: xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length}
}

describe('Beta draws', () => {
  it('have the mean and variance of Beta(a, b), small shapes included', () => {
    for (const [a, b] of [[2, 5], [30, 10], [0.5, 0.5], [0.2, 3]] as const) {
      const random = createSeededRandom(9)
      const xs = Array.from({length: 40_000}, () => sampleBeta(a, b, random))
      const {mean, variance} = moments(xs)
      expect(mean).toBeCloseTo(a / (a + b), 2)
      expect(variance).toBeCloseTo((a * b) / ((a + b) ** 2 * (a + b + 1)), 2)
      expect(xs.every((x) => x >= 0 && x <= 1)).toBe(true)
    }
  })

  it('are reproducible with a seed; Gamma refuses a shape that is not positive', () => {
    const a = createSeededRandom(3)
    const b = createSeededRandom(3)
    expect(Array.from({length: 20}, () => sampleBeta(2, 3, a))).toEqual(Array.from({length: 20}, () => sampleBeta(2, 3, b)))
    expect(() => sampleGamma(0, a)).toThrow(/positive/)
  })
})
