/**
 * Duplicate detection for imports without holding every key: an attempt already in the store, or
 * twice in the file (same task, time, model, step), is skipped.
 *
 * A Set of 10 M key strings would take ~1 GB. Instead the first pass keeps one 53-bit hash per
 * attempt in a Float64Array (8 bytes each: 80 MB at 10 M), sorted once. Only hashes seen twice
 * in the file, or also found among the store's attempts in the same time range, are "suspects",
 * and only suspects are compared by their exact key in the second pass. A hash collision can
 * therefore only cost an exact comparison, never a record: nothing is skipped on a hash alone.
 */

/** Two 32-bit FNV-1a variants over the key's UTF-16 units, folded into 53 bits (exact in a double). */
export function keyHash(key: string): number {
  let a = 0x811c9dc5
  let b = 0x01000193 ^ key.length
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i)
    a = Math.imul(a ^ c, 0x01000193)
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15)
  }
  return (a >>> 0) * 0x200000 + ((b >>> 0) & 0x1fffff)
}

/** Hashes collected in chunks (no doubling copies), then one sorted Float64Array. */
export class HashCollector {
  private chunks: Float64Array[] = []
  private current = new Float64Array(1 << 16)
  private used = 0
  count = 0

  add(h: number): void {
    if (this.used === this.current.length) {
      this.chunks.push(this.current)
      this.current = new Float64Array(Math.min(1 << 20, this.current.length * 2))
      this.used = 0
    }
    this.current[this.used++] = h
    this.count += 1
  }

  sorted(): SortedHashes {
    const all = new Float64Array(this.count)
    let off = 0
    for (const c of this.chunks) {
      all.set(c, off)
      off += c.length
    }
    all.set(this.current.subarray(0, this.used), off)
    this.chunks = []
    this.current = new Float64Array(0)
    all.sort()
    return new SortedHashes(all)
  }
}

export class SortedHashes {
  constructor(readonly values: Float64Array) {}

  has(h: number): boolean {
    const v = this.values
    let lo = 0
    let hi = v.length - 1
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1
      if (v[mid] < h) lo = mid + 1
      else if (v[mid] > h) hi = mid - 1
      else return true
    }
    return false
  }

  /** Hashes present more than once. */
  repeated(): Set<number> {
    const out = new Set<number>()
    const v = this.values
    for (let i = 1; i < v.length; i++) if (v[i] === v[i - 1]) out.add(v[i])
    return out
  }
}
