/**
 * Duplicate detection for imports without holding every key: an attempt already in the store, or
 * twice in the file (same task, time, model, step), is skipped.
 *
 * A Set of 10 M key strings would take ~1 GB. Instead the first pass keeps one 32-bit hash per
 * attempt (4 bytes each: 40 MB at 10 M), in sorted runs. Only hashes seen twice in the file, or
 * also found among the store's attempts in the same time range, are "suspects", and only suspects
 * are compared by their exact key in the second pass. A hash collision therefore costs an exact
 * comparison, never a record: nothing is skipped on a hash alone. (At 10 M attempts, 32 bits give
 * ~12,000 colliding pairs: ~24,000 exact keys held, a few MB.)
 */

/** 32-bit FNV-1a over the key's UTF-16 units, with a final avalanche (murmur3's fmix32). */
export function keyHash(key: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193)
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/**
 * Hashes collected in chunks of 2^20 (4 MB), each sorted when full: no copy into one big array,
 * so 10 M hashes peak at their 40 MB, not twice that.
 */
export class HashCollector {
  private readonly chunks: Uint32Array[] = []
  private current = new Uint32Array(1 << 16)
  private used = 0
  count = 0

  add(h: number): void {
    if (this.used === this.current.length) {
      if (this.current.length < 1 << 20) {
        const bigger = new Uint32Array(this.current.length * 4)
        bigger.set(this.current)
        this.current = bigger
      } else {
        this.chunks.push(this.current.sort())
        this.current = new Uint32Array(1 << 20)
        this.used = 0
      }
    }
    this.current[this.used++] = h
    this.count += 1
  }

  sorted(): SortedHashes {
    const last = this.current.slice(0, this.used).sort()
    this.current = new Uint32Array(0)
    return new SortedHashes([...this.chunks, last])
  }
}

function contains(v: Uint32Array, h: number): boolean {
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

/** Sorted runs of hashes: membership by binary search in each, repeats by merging them. */
export class SortedHashes {
  constructor(private readonly runs: Uint32Array[]) {}

  has(h: number): boolean {
    for (const r of this.runs) if (contains(r, h)) return true
    return false
  }

  /** Hashes present more than once (within a run or across runs). */
  repeated(): Set<number> {
    const out = new Set<number>()
    const pos = this.runs.map(() => 0)
    let prev = Number.NaN
    for (;;) {
      let best = -1
      for (let k = 0; k < this.runs.length; k++) {
        if (pos[k] < this.runs[k].length && (best < 0 || this.runs[k][pos[k]] < this.runs[best][pos[best]])) best = k
      }
      if (best < 0) return out
      const v = this.runs[best][pos[best]++]
      if (v === prev) out.add(v)
      prev = v
    }
  }
}
