/**
 * Wildcard matching without regular expressions. A glob such as `~/` and thirty `*` then `x`,
 * compiled to `^.*.*…x$` and tried against `credentials`, made V8's backtracking engine explore
 * every way of splitting the text among the stars: 74 s for thirty stars, hours for thirty-one.
 * Here a run of stars is one star, and matching keeps a single resume point (the last star seen):
 * at most |pattern| × |text| steps, and since one side is always a protected pattern's segment
 * (a few dozen characters), linear in the length of the command.
 */

/** The characters that stand for `*`, `?` and `[` in a pattern (shell-words.ts marks them). */
export interface GlobMarkers {
  star: string
  qmark: string
  klass: string
}

/** Config patterns use a literal `*` (within one segment) and no `?`. */
export const patternMarkers: GlobMarkers = {star: '*', qmark: '\uFFFF', klass: '\uFFFE'}

/**
 * Does `pattern` (with `star` matching any run and `qmark` any one character) match all of `text`?
 * `text` is taken literally.
 */
export function wildcardMatch(pattern: string, text: string, star: string, qmark: string): boolean {
  let p = 0
  let t = 0
  let resumeP = -1
  let resumeT = 0
  while (t < text.length) {
    const pc = pattern[p]
    if (pc === star) {
      while (pattern[p] === star) p++
      if (p === pattern.length) return true
      resumeP = p
      resumeT = t
    } else if (p < pattern.length && (pc === qmark || pc === text[t])) {
      p++
      t++
    } else if (resumeP >= 0) {
      p = resumeP
      t = ++resumeT
    } else {
      return false
    }
  }
  while (pattern[p] === star) p++
  return p === pattern.length
}

/** A protected pattern's segment (`*` within the segment) against a literal segment. */
export function segmentMatches(patternSeg: string, seg: string): boolean {
  if (!patternSeg.includes('*')) return patternSeg === seg
  return wildcardMatch(patternSeg, seg, '*', patternMarkers.qmark)
}

export function hasMarker(seg: string, m: GlobMarkers): boolean {
  return seg.includes(m.star) || seg.includes(m.qmark) || seg.includes(m.klass)
}

/**
 * Could the glob segment `gs` (shell markers) expand to the literal pattern segment `ps`?
 * A bracket class may match anything here (a refusal of a harmless class is the accepted cost);
 * a leading dot must be matched by a dot, as bash does without `dotglob`.
 */
export function globSegmentMayMatch(gs: string, ps: string, m: GlobMarkers): boolean {
  if (gs.includes(m.klass)) return true
  if (ps.startsWith('.') && !gs.startsWith('.')) return false
  return wildcardMatch(gs, ps, m.star, m.qmark)
}

/**
 * For a glob path split into folded segments: could it expand to a path inside, equal to, or above
 * what the protected pattern (split the same way) names? Same answer as protected-paths.ts's
 * `globMayTouchPattern`, in linear time.
 */
export function globSegmentsMayTouch(g: string[], s: string[], m: GlobMarkers): boolean {
  const n = Math.min(g.length, s.length)
  for (let i = 0; i < n; i++) {
    const gs = g[i]!
    const ps = s[i]!
    const gsGlob = hasMarker(gs, m)
    if (ps.includes('*')) {
      if (!gsGlob && !segmentMatches(ps, gs)) return false
      // Both patterns (`*x` against `.claude*`): bash's `*` never expands to a dot-name unless the glob
      // starts with a dot; past that, treat it as a possible match (a refusal of a harmless look-alike).
      if (gsGlob && ps.startsWith('.') && !gs.startsWith('.') && !gs.includes(m.klass)) return false
      continue
    }
    if (gsGlob) {
      if (!globSegmentMayMatch(gs, ps, m)) return false
      continue
    }
    if (gs !== ps) return false
  }
  return true
}
