/**
 * `resolveReal` (path-resolve.ts) with memory, for one command check: symlinks resolved component
 * by component as the kernel would, but each `lstat`/`readlink` done once per path, and the
 * working directory resolved once instead of for every word. A 64 KB command of twenty thousand
 * words costs one `readdir` per folder instead of one `lstat` per component of every word (7 µs
 * each on a loaded machine); a folder asked about only a few times gets lstats. A name missing from its folder's listing is missing, unless it equals
 * a listed name once case and Unicode forms are folded (a case-insensitive file system): then it
 * is asked for with `lstat`, so `LINK-SSH` on macOS still resolves like `link-ssh`.
 */
import {lstatSync, readdirSync, readlinkSync} from 'node:fs'
import {basename, dirname, isAbsolute, join, resolve, sep} from 'node:path'

import {fold} from './fold.js'

const MAX_LINKS = 40
/** Lookups in one folder answered by lstat before its listing is read (a listing of /usr/bin costs 1 ms). */
const LIST_AFTER = 16

type Entry = {kind: 'missing'} | {kind: 'plain'} | {kind: 'link'; target: string}

export class RealPathCache {
  private readonly entries = new Map<string, Entry>()
  private readonly bases = new Map<string, {current: string; rest: string[] | null; links: number}>()
  private readonly listings = new Map<string, {names: Map<string, boolean>; folded: Set<string>} | null>()
  private readonly asked = new Map<string, number>()

  /** A folder's entries (name → is a symlink), or null when it cannot be listed. */
  private listing(dir: string): {names: Map<string, boolean>; folded: Set<string>} | null {
    let l = this.listings.get(dir)
    if (l !== undefined) return l
    try {
      const names = new Map<string, boolean>()
      const folded = new Set<string>()
      for (const d of readdirSync(dir, {withFileTypes: true})) {
        names.set(d.name, d.isSymbolicLink())
        folded.add(fold(d.name))
      }
      l = {names, folded}
    } catch {
      l = null
    }
    if (this.listings.size > 5_000) this.listings.clear()
    this.listings.set(dir, l)
    return l
  }

  private stat(p: string): Entry {
    let e = this.entries.get(p)
    if (e) return e
    // A folder asked about a few times gets an lstat each; past that, one listing answers the rest.
    const dir = dirname(p)
    const asked = (this.asked.get(dir) ?? 0) + 1
    this.asked.set(dir, asked)
    const l = p === sep || asked <= LIST_AFTER ? null : this.listing(dir)
    const name = basename(p)
    if (l && l.names.has(name)) {
      e = l.names.get(name) ? {kind: 'link', target: readlinkSync(p)} : {kind: 'plain'}
      this.entries.set(p, e)
      return e
    }
    if (l && !l.folded.has(fold(name))) {
      e = {kind: 'missing'}
      if (this.entries.size > 50_000) this.entries.clear()
      this.entries.set(p, e)
      return e
    }
    try {
      // throwIfNoEntry: a missing path is the common case here, and an exception costs 10 µs.
      const st = lstatSync(p, {throwIfNoEntry: false})
      e = !st ? {kind: 'missing'} : st.isSymbolicLink() ? {kind: 'link', target: readlinkSync(p)} : {kind: 'plain'}
    } catch {
      e = {kind: 'missing'}
    }
    if (this.entries.size > 50_000) this.entries.clear()
    this.entries.set(p, e)
    return e
  }

  /**
   * Walks `parts` from `current`. Returns where it ends, or `rest` when a component does not exist
   * (the rest is then taken as written, as `resolveReal` does).
   */
  private walk(current: string, parts: string[], links: number): {current: string; rest: string[] | null; links: number} {
    let queue = parts
    let i = 0
    while (i < queue.length) {
      const part = queue[i++]!
      if (part === '.') continue
      if (part === '..') {
        current = dirname(current)
        continue
      }
      const next = join(current, part)
      const e = this.stat(next)
      if (e.kind === 'missing') return {current: next, rest: queue.slice(i), links}
      if (e.kind === 'plain') {
        current = next
        continue
      }
      if (++links > MAX_LINKS) throw new Error(`too many levels of symbolic links at ${next}`)
      queue = [...e.target.split(sep).filter((s) => s.length > 0), ...queue.slice(i)]
      i = 0
      if (isAbsolute(e.target)) current = sep
    }
    return {current, rest: null, links}
  }

  /** The physical path of an absolute path (may hold `..` and symlinks). Throws on a symlink loop. */
  resolve(absPath: string): string {
    const r = this.walk(sep, absPath.split(sep).filter((s) => s.length > 0), 0)
    return r.rest ? resolve(r.current, ...r.rest) : r.current
  }

  /** The physical path of `text` relative to the absolute directory `base`. */
  resolveIn(base: string, text: string): string {
    let b = this.bases.get(base)
    if (!b) {
      b = this.walk(sep, base.split(sep).filter((s) => s.length > 0), 0)
      this.bases.set(base, b)
    }
    const parts = text.split(sep).filter((s) => s.length > 0)
    if (b.rest) return resolve(b.current, ...b.rest, ...parts)
    const r = this.walk(b.current, parts, b.links)
    return r.rest ? resolve(r.current, ...r.rest) : r.current
  }
}
