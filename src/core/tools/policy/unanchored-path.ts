/**
 * A path whose folder is unknown (`$DIR/.ssh/id_rsa`, or `rm -rf dist` after `cd "$(…)"`): could
 * it name a protected path wherever it lands?
 *
 * The old answer was "refuse any word with a segment such as `credentials` or `.ssh`", which
 * refused `grep -rn credentials src` and `git commit -m "docs: explain ~/.ssh/config handling"`
 * even where every path was known. Now only words whose place is unknown are asked, and the
 * question is narrower: `D/x/y` can be (or be inside, or above) the protected `/h/u/.ssh` for some
 * folder D only if `x/y` lines up with consecutive segments of it, and the line-up must cover the
 * segment that makes the path protected (its anchor: `.ssh`, `credentials`, `.bashrc`, the first
 * segment below the home). So `.ssh/id_rsa`, `credentials` or `.bashrc` are refused, while `dist`,
 * `src/.ssh`, `config.json` or `out.txt` pass: they could be protected only for one particular D,
 * and the operating-system sandbox is there for that. For the home and the workspace themselves
 * (`rm -rf proj` after `cd "$(…)"`) every segment counts.
 *
 * Each word costs a few set lookups unless it holds an anchor, so a command stays linear.
 */
import {segmentMatches} from './glob-match.js'

/** How a word's segment must meet a protected segment. */
type Fit = 'exact' | 'suffix' | 'prefix' | 'infix'

export interface UnanchoredTarget {
  /** Folded segments of an absolute path. */
  segs: string[]
  /**
   * The index of the segment a line-up must cover with an exact (or ≥ 3-character partial) match;
   * undefined: any line-up counts, but it must end within the segments (deleting a folder
   * *inside* the home is fine, deleting the home or a parent is not).
   */
  anchor?: number
  /** What to name in the refusal. */
  label: string
}

/** A partial segment this long is evidence (`.ss` of `.ssh`); shorter ones (`h`, `s`) are not. */
const MIN_PARTIAL = 3

function fits(patternSeg: string, seg: string, fit: Fit): boolean {
  if (patternSeg.includes('*')) return fit !== 'exact' || segmentMatches(patternSeg, seg)
  switch (fit) {
    case 'exact':
      return patternSeg === seg
    case 'suffix':
      return patternSeg.endsWith(seg)
    case 'prefix':
      return patternSeg.startsWith(seg)
    default:
      return patternSeg.includes(seg)
  }
}

export class UnanchoredMatcher {
  /** The anchors' literal segments. */
  private readonly anchors = new Set<string>()
  /** The literal segments of targets without an anchor (the home, the workspace). */
  private readonly places = new Set<string>()

  constructor(private readonly targets: UnanchoredTarget[]) {
    for (const t of targets) {
      if (t.anchor !== undefined) this.anchors.add(t.segs[t.anchor]!)
      else for (const s of t.segs) this.places.add(s)
    }
  }

  /**
   * The target a relative path (folded, split, `.` and leading `..` removed) may name.
   * `partialFirst`: the first segment is the end of a longer one (it follows a run-time value);
   * `partialLast`: the last is the start of a longer one.
   */
  match(segs: string[], partialFirst = false, partialLast = false): UnanchoredTarget | undefined {
    if (segs.length === 0) return undefined
    const fitOf = (i: number): Fit => {
      const first = i === 0 && partialFirst
      const last = i === segs.length - 1 && partialLast
      return first && last ? 'infix' : first ? 'suffix' : last ? 'prefix' : 'exact'
    }
    const strong = (i: number) => fitOf(i) === 'exact' || segs[i]!.length >= MIN_PARTIAL
    const maybe = segs.some((s, i) => (fitOf(i) === 'exact' ? this.anchors.has(s) : strong(i))) || (fitOf(0) === 'exact' && this.places.has(segs[0]!))
    if (!maybe) return undefined
    for (const t of this.targets) {
      const e = t.segs
      for (let j = 0; j < e.length; j++) {
        if (t.anchor === undefined && j + segs.length > e.length) break
        let ok = true
        let anchored = t.anchor === undefined
        for (let i = 0; i < segs.length && j + i < e.length; i++) {
          if (!fits(e[j + i]!, segs[i]!, fitOf(i))) {
            ok = false
            break
          }
          if (j + i === t.anchor && strong(i)) anchored = true
        }
        if (ok && anchored) return t
      }
    }
    return undefined
  }
}

/** Where the anchor of a protected path lies: the first segment below the home, else its last literal one. */
export function anchorOf(segs: string[], homes: string[][]): number | undefined {
  for (const h of homes) {
    if (h.length < segs.length && h.every((s, i) => segs[i] === s)) return h.length
  }
  for (let i = segs.length - 1; i >= 0; i--) if (!segs[i]!.includes('*')) return i
  return undefined
}

/** Splits a relative path the way `D/path` would be walked: no `.`, no leading `..` (they only move D). */
export function relativeSegments(foldedPath: string): string[] {
  const out: string[] = []
  for (const s of foldedPath.split('/')) {
    if (s === '' || s === '.') continue
    if (s === '..') {
      if (out.length > 0) out.pop()
      continue
    }
    out.push(s)
  }
  return out
}
