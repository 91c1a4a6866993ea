/**
 * The deny lists, prepared once per command check. `checkDenyLists` (path-policy.ts) rebuilds the
 * lists and folds the path again for every entry on every call, about 200 µs a path: fine for one
 * file tool call, four seconds for a 64 KB command of twenty thousand words. Here the entries are
 * folded and split once, a path is folded once (and remembered), and a hit is then handed to
 * `checkDenyLists` itself, so the message a model reads and the rule id are the path policy's own.
 *
 * Same answers as path-policy.ts / protected-paths.ts (test/tools/deny-index.test.ts compares
 * them): a path is denied when an entry's segments are a prefix of its segments (`*` within a
 * segment), and a write also when it touches `.git` internals.
 */
import {sep} from 'node:path'

import {globSegmentsMayTouch, segmentMatches, type GlobMarkers} from './glob-match.js'
import {fold} from './fold.js'
import {checkDenyLists, type PathMode} from './path-policy.js'
import type {PolicyContext, PolicyDecision} from './policy-context.js'
import {isGitInternal, neverReadableEntries, neverWritableEntries, type DenyEntry} from './protected-paths.js'

interface Folded {
  entry: DenyEntry
  segs: string[]
}

const split = (p: string) => p.split(sep).filter((s) => s.length > 0)

/** Entries by their segments, so a path meets only the entries that share its first segments. */
interface Trie {
  literal: Map<string, Trie>
  starred: Array<[string, Trie]>
  /** Indexes (in list order) of the entries whose segments end here. */
  ends: number[]
}

const newTrie = (): Trie => ({literal: new Map(), starred: [], ends: []})

function buildTrie(list: Folded[]): Trie {
  const root = newTrie()
  for (const [i, e] of list.entries()) {
    let node = root
    for (const seg of e.segs) {
      let next: Trie | undefined
      if (seg.includes('*')) {
        next = node.starred.find(([p]) => p === seg)?.[1]
        if (!next) node.starred.push([seg, (next = newTrie())])
      } else {
        next = node.literal.get(seg)
        if (!next) node.literal.set(seg, (next = newTrie()))
      }
      node = next
    }
    node.ends.push(i)
  }
  return root
}

/** The first entry (in list order) whose segments are a prefix of `p`'s, as `Array.find` would give. */
function firstPrefix(root: Trie, p: string[]): number {
  let best = Infinity
  const stack: Array<[Trie, number]> = [[root, 0]]
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!
    for (const i of node.ends) if (i < best) best = i
    if (depth === p.length) continue
    const lit = node.literal.get(p[depth]!)
    if (lit) stack.push([lit, depth + 1])
    for (const [pattern, next] of node.starred) if (segmentMatches(pattern, p[depth]!)) stack.push([next, depth + 1])
  }
  return best
}

export class DenyIndex {
  /** Never read nor written (keys, credentials, cto's config, `deny_read`). */
  readonly readable: Folded[]
  /** Never written, on top of the readable ones (system paths, start-up files, `deny_write`). */
  readonly writable: Folded[]
  private readonly both: Folded[]
  private readonly tries: Record<PathMode, Trie>
  private readonly folded = new Map<string, string[]>()

  constructor(private readonly ctx: PolicyContext) {
    const prepare = (entry: DenyEntry): Folded => ({entry, segs: split(fold(entry.pattern))})
    this.readable = neverReadableEntries(ctx).map(prepare)
    this.writable = neverWritableEntries(ctx).map(prepare)
    this.both = [...this.readable, ...this.writable]
    this.tries = {read: buildTrie(this.readable), write: buildTrie(this.both)}
  }

  /** The folded segments of an absolute path (remembered: commands repeat their paths). */
  segments(absPath: string): string[] {
    let s = this.folded.get(absPath)
    if (!s) {
      s = split(fold(absPath))
      if (this.folded.size > 50_000) this.folded.clear()
      this.folded.set(absPath, s)
    }
    return s
  }

  private entries(mode: PathMode): Folded[] {
    return mode === 'read' ? this.readable : this.both
  }

  /** The first entry naming `absPath` or one of its parents, as `findDenyEntry` finds it. */
  hit(mode: PathMode, absPath: string): DenyEntry | undefined {
    const i = firstPrefix(this.tries[mode], this.segments(absPath))
    return i === Infinity ? undefined : this.entries(mode)[i]!.entry
  }

  /** `checkDenyLists(mode, absPaths, input, ctx)`, with the lists prepared once; `input` is only shown on a refusal. */
  check(mode: PathMode, absPaths: string[], shownInput: string | (() => string)): PolicyDecision {
    for (const p of absPaths) {
      const entry = this.hit(mode, p)
      if (entry || (mode === 'write' && isGitInternal(p))) {
        const input = typeof shownInput === 'string' ? shownInput : shownInput()
        const decision = checkDenyLists(mode, absPaths, input, this.ctx)
        if (!decision.allowed) return decision
        // The path policy changed under us: refuse anyway, in its words as near as we can.
        if (entry) return {allowed: false, rule: entry.rule, reason: `Refused to ${mode} ${JSON.stringify(input)}: it is ${entry.label} (${entry.pattern}).`}
        return {allowed: false, rule: 'git-internals', reason: `Refused to write ${JSON.stringify(input)}: .git/hooks, .git/config and .git itself are never written (they run code later).`}
      }
    }
    return {allowed: true}
  }

  /**
   * The known start of a path whose rest is only known at run time: the first never-readable
   * entry it lies inside (`/h/u/.ssh/` + `$KEY`), or may complete into (`/h/u/.ss` + `$Z`).
   * A known folder above an entry (`$HOME/` + `$F`) is not enough: the run-time rest decides.
   */
  prefixHit(knownStart: string): DenyEntry | undefined {
    const open = !knownStart.endsWith(sep)
    const p = this.segments(knownStart)
    const full = open ? p.length - 1 : p.length
    return this.readable.find((e) => {
      for (let i = 0; i < Math.min(full, e.segs.length); i++) if (!segmentMatches(e.segs[i]!, p[i]!)) return false
      if (e.segs.length <= full) return true
      if (!open || full < 0) return false
      const es = e.segs[full]!
      const ps = p[full]!
      if (es.includes('*') || !es.startsWith(ps)) return false
      return es !== ps || e.segs.length === full + 1
    })?.entry
  }

  /** A glob (absolute, with shell markers): the first entry it may expand into, onto or above. */
  globHit(mode: PathMode, globPath: string, markers: GlobMarkers): DenyEntry | undefined {
    const g = this.segments(globPath)
    return this.entries(mode).find((e) => globSegmentsMayTouch(g, e.segs, markers))?.entry
  }

  /** A protected (non-system) entry lying inside `absPath` or equal to it: deleting `absPath` deletes it. */
  protectedInside(absPath: string): string | undefined {
    const p = this.segments(absPath)
    return this.both.find((e) => e.entry.rule !== 'system-path' && contains(p, e.segs))?.entry.pattern
  }

  /** A never-readable entry lying inside `absPath` (or equal to it): reading all of `absPath` reads it. */
  readableInside(absPath: string): DenyEntry | undefined {
    const p = this.segments(absPath)
    return this.readable.find((e) => contains(p, e.segs))?.entry
  }

  /** A system path, something inside one, or a parent of one. */
  isSystem(absPath: string): boolean {
    const p = this.segments(absPath)
    return this.writable.some(
      (e) => e.entry.rule === 'system-path' && ((e.segs.length <= p.length && e.segs.every((s, i) => segmentMatches(s, p[i]!))) || contains(p, e.segs)),
    )
  }
}

/** `pathContainsPattern`: is the path an ancestor of (or equal to) what the pattern names? */
function contains(p: string[], s: string[]): boolean {
  if (p.length > s.length) return false
  return p.every((seg, i) => segmentMatches(s[i]!, seg))
}
