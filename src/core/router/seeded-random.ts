/**
 * A small seeded PRNG for `--seed N`: the same seed gives the same routing decisions.
 * mulberry32 (Tommy Ettinger's public-domain generator): 32-bit state, period 2^32, fast, and
 * good enough for picking among a dozen models. Not for anything security related.
 */

/** A source of uniform numbers in [0, 1), like `Math.random`. Injected wherever the router draws. */
export type RandomSource = () => number

export function createSeededRandom(seed: number): RandomSource {
  if (!Number.isFinite(seed)) throw new RangeError(`Seed must be a finite number, got ${seed}`)
  let state = Math.trunc(seed) >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

/** `Math.random` when no seed is given, else a seeded generator. */
export function randomFromSeed(seed?: number): RandomSource {
  return seed === undefined ? Math.random : createSeededRandom(seed)
}

/** Fisher–Yates shuffle into a new array, using the injected random source. */
export function shuffled<T>(items: readonly T[], random: RandomSource): T[] {
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[out[i], out[j]] = [out[j] as T, out[i] as T]
  }
  return out
}
