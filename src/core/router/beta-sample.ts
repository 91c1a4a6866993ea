/**
 * Draws from a Beta distribution with the injected random source, for Thompson sampling: the
 * router samples each model's chance of success from its posterior and plans with the samples, so
 * a model with little evidence is tried as often as it might be the best, and less as evidence
 * grows. Beta(a, b) = X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b); Gamma by Marsaglia and Tsang
 * (2000), with the boost Gamma(a) = Gamma(a + 1) · U^(1/a) for a < 1; the normal deviate by
 * Box–Muller. Deterministic for a seeded source.
 */
import type {RandomSource} from './seeded-random.js'

function uniformOpen(random: RandomSource): number {
  let u = random()
  while (u <= 0) u = random()
  return u
}

function normal(random: RandomSource): number {
  return Math.sqrt(-2 * Math.log(uniformOpen(random))) * Math.cos(2 * Math.PI * random())
}

export function sampleGamma(shape: number, random: RandomSource): number {
  if (!(shape > 0)) throw new RangeError(`Gamma shape must be positive, got ${shape}`)
  if (shape < 1) return sampleGamma(shape + 1, random) * uniformOpen(random) ** (1 / shape)
  const d = shape - 1 / 3
  const c = 1 / Math.sqrt(9 * d)
  for (;;) {
    let x: number
    let v: number
    do {
      x = normal(random)
      v = 1 + c * x
    } while (v <= 0)
    v = v * v * v
    const u = uniformOpen(random)
    if (u < 1 - 0.0331 * x ** 4) return d * v
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v
  }
}

export function sampleBeta(a: number, b: number, random: RandomSource): number {
  const x = sampleGamma(a, random)
  const y = sampleGamma(b, random)
  return x + y > 0 ? x / (x + y) : a / (a + b)
}
