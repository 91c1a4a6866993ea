/**
 * The path checks the command policy's walker offers its rules: may this word name a protected
 * path, may this target be written, may this one be deleted (and with it everything inside)?
 * Exact where the working directory is known: a word is resolved where it lands, through
 * symlinks (real-path-cache.ts), and matched against the protected paths prepared once per
 * command (deny-index.ts), globs without backtracking. Where it is not (a run-time value, a `cd`
 * to a run-time folder), unanchored-path.ts judges whether the word could name a protected path
 * wherever it lands. Every refusal is thrown as a `Blocked` (blocked.ts).
 */
import {isAbsolute, normalize, resolve} from 'node:path'

import {Blocked, shown} from './blocked.js'
import {DenyIndex} from './deny-index.js'
import {fold} from './fold.js'
import {isInside} from './path-resolve.js'
import type {PolicyContext} from './policy-context.js'
import {isGitInternal, isHarmlessDevice} from './protected-paths.js'
import {RealPathCache} from './real-path-cache.js'
import {displayWord, DYN, GLOB_CLASS, GLOB_QMARK, GLOB_STAR, hasGlobMarker, type ShWord} from './shell-words.js'
import {anchorOf, relativeSegments, UnanchoredMatcher, type UnanchoredTarget} from './unanchored-path.js'

const globMarkers = {star: GLOB_STAR, qmark: GLOB_QMARK, klass: GLOB_CLASS}

/** What the walker knows at this point of the command. */
export interface Whereabouts {
  /** Where the next command may run (null: unknown after a run-time cd). */
  cwds(): Array<string | null>
  /** The same, as one string (a key for remembered checks). */
  cwdsKey(): string
  /** False once the command may have reassigned HOME. */
  homeKnown(): boolean
}

export class PathChecks {
  private readonly deny: DenyIndex
  private readonly real = new RealPathCache()
  /** Static words already found harmless to name, by working directories. */
  private readonly namedOk = new Set<string>()
  private matchers?: {read: UnanchoredMatcher; write: UnanchoredMatcher; remove: UnanchoredMatcher}

  constructor(
    ctx: PolicyContext,
    private readonly home: string,
    private readonly root: string,
    private readonly where: Whereabouts,
  ) {
    this.deny = new DenyIndex(ctx)
  }

  resolveAll(text: string): Array<string | null> {
    if (isAbsolute(text)) return [resolve(text)]
    return this.where.cwds().map((c) => (c === null ? null : resolve(c, text)))
  }

  pathsOf(text: string): {paths: string[]; unknown: boolean} {
    const paths: string[] = []
    let unknown = false
    const add = (p: string) => {
      if (!paths.includes(p)) paths.push(p)
    }
    const bases: Array<string | null> = isAbsolute(text) ? ['/'] : this.where.cwds()
    for (const base of bases) {
      if (base === null) {
        unknown = true
        continue
      }
      add(resolve(base, text))
      try {
        add(isAbsolute(text) ? this.real.resolve(text) : this.real.resolveIn(base, text))
      } catch {
        unknown = true
      }
    }
    return {paths, unknown}
  }

  isRootLike(p: string): boolean {
    return p === '/' || isInside(p, this.home) || isInside(p, this.root)
  }

  isSystem(p: string): boolean {
    return this.deny.isSystem(p)
  }

  /** Matchers for words whose place is unknown: what they could name, wherever they land. */
  private unanchored(): {read: UnanchoredMatcher; write: UnanchoredMatcher; remove: UnanchoredMatcher} {
    if (!this.matchers) {
      const homes = [this.deny.segments(this.home)]
      try {
        homes.push(this.deny.segments(this.real.resolve(this.home)))
      } catch {
        // a symlink loop above the home: the lexical home alone
      }
      const entry = (e: {entry: {pattern: string; label: string}; segs: string[]}): UnanchoredTarget => ({
        segs: e.segs,
        anchor: anchorOf(e.segs, homes) ?? e.segs.length - 1,
        label: `${e.entry.pattern} (${e.entry.label})`,
      })
      const read = this.deny.readable.map(entry)
      const write = [...read, ...this.deny.writable.filter((e) => e.entry.rule !== 'system-path').map(entry)]
      const places: UnanchoredTarget[] = [
        {segs: this.deny.segments(this.home), label: `${this.home}, the home directory, or a folder above it`},
        {segs: this.deny.segments(this.root), label: `${this.root}, the workspace, or a folder above it`},
      ]
      this.matchers = {read: new UnanchoredMatcher(read), write: new UnanchoredMatcher(write), remove: new UnanchoredMatcher([...write, ...places])}
    }
    return this.matchers
  }

  /**
   * A word whose place is unknown: a relative path after a `cd` to a run-time folder, or a word
   * with run-time parts (only its literal stretches are known). Could it name a protected path?
   */
  private unanchoredHit(text: string, matcher: UnanchoredMatcher): UnanchoredTarget | undefined {
    const chunks = fold(text).split(DYN)
    for (const [i, chunk] of chunks.entries()) {
      if (chunk === '' || (i === 0 && chunks.length > 1 && chunk.startsWith('/'))) continue
      const partialFirst = i > 0 && !chunk.startsWith('/')
      const partialLast = i < chunks.length - 1 && !chunk.endsWith('/')
      const segs = chunks.length === 1 ? relativeSegments(chunk) : chunk.split('/').filter((s) => s !== '' && s !== '.' && s !== '..')
      const hit = matcher.match(segs, partialFirst, partialLast)
      if (hit) return hit
    }
    return undefined
  }

  /** Every word of a command (and test operands, `<` inputs): may it name a never-readable path? */
  checkNamedPath(w: ShWord, isText = false): void {
    if (w.dynamic) {
      if (!isText) {
        const hit = this.unanchoredHit(w.text, this.unanchored().read)
        if (hit) throw new Blocked('names-protected-path', `${shown(w)} is partly only known at run time, and may name ${hit.label}, which the tools never touch.`)
      }
      // A known start before the run-time part: `~/.ssh/$KEY` lands inside ~/.ssh, `~/.ss$Z` may be it.
      const known = w.text.slice(0, w.text.indexOf(DYN))
      if (isAbsolute(known)) {
        const entry = this.deny.prefixHit(known)
        if (entry) throw new Blocked('names-protected-path', `${shown(w)} starts with ${shown(known)} and may name ${entry.pattern} (${entry.label}), which the tools never touch.`)
      }
      return
    }
    const key = `${this.where.cwdsKey()}\u0001${isText ? 't' : 'p'}${w.glob ? 'g' : ''}${this.where.homeKnown() ? 'h' : ''}\u0001${w.text}`
    if (this.namedOk.has(key)) return
    const texts = [w.text]
    const eq = w.text.indexOf('=')
    if (eq > 0) {
      // bash expands `~` after `=` in words shaped like assignments (`if=~/.ssh/id_rsa` for dd).
      const value = w.text.slice(eq + 1)
      texts.push(this.where.homeKnown() && (value === '~' || value.startsWith('~/')) ? this.home + value.slice(1) : value)
    }
    for (const text of texts) {
      if (text === '') continue
      if (w.glob || hasGlobMarker(text)) {
        for (const lexical of this.resolveAll(text)) {
          if (lexical === null) continue
          const hit = this.deny.globHit('read', lexical, globMarkers)
          if (hit) throw new Blocked('names-protected-path', `the pattern ${shown(text)} may match ${hit.pattern} (${hit.label}), which the tools never touch.`)
        }
        continue
      }
      const {paths, unknown} = this.pathsOf(text)
      if (unknown && !isAbsolute(text) && !isText) {
        const hit = this.unanchoredHit(text, this.unanchored().read)
        if (hit) throw new Blocked('names-protected-path', `${shown(text)} is relative to a folder only known at run time, and may name ${hit.label}, which the tools never touch.`)
      }
      const d = this.deny.check('read', paths, () => displayWord(text))
      if (!d.allowed) throw new Blocked('names-protected-path', d.reason)
    }
    if (this.namedOk.size > 50_000) this.namedOk.clear()
    this.namedOk.add(key)
  }

  checkWriteTarget(w: ShWord, what: string): void {
    if (w.dynamic) return
    if (w.glob) {
      for (const lexical of this.resolveAll(w.text)) {
        if (lexical === null) continue
        const hit = this.deny.globHit('write', lexical, globMarkers)
        if (hit) throw new Blocked(hit.rule, `${what} writes to ${shown(w)}, which may match ${hit.pattern} (${hit.label}).`)
      }
      return
    }
    const {paths, unknown} = this.pathsOf(w.text)
    for (const p of paths) {
      if (isHarmlessDevice(p)) return
      if (p === '/dev' || p.startsWith('/dev/')) throw new Blocked('device-write', `${what} writes to the device ${p}; writing to devices (disks, network sockets) is never allowed.`)
    }
    if (unknown && !isAbsolute(w.text)) {
      const hit = this.unanchoredHit(w.text, this.unanchored().write)
      if (hit) throw new Blocked('unresolved-write', `${what} writes to ${shown(w)} in a folder only known at run time, and it may be ${hit.label}.`)
    }
    const d = this.deny.check('write', paths, () => displayWord(w))
    if (!d.allowed) throw new Blocked(d.rule, `${what} would write to ${shown(w)}. ${d.reason}`)
  }

  /**
   * A command reading everything under `w` (`grep -r`, `rg`, `cp -r`, `tar c`): refused when a
   * never-readable path lies inside (`grep -rh KEY ~` reads ~/.ssh). Run-time paths are left to
   * the sandbox; a glob is checked by `checkNamedPath` already.
   */
  checkRecursiveRead(w: ShWord, what: string): void {
    if (w.dynamic || w.glob) return
    for (const p of this.pathsOf(w.text).paths) {
      const entry = this.deny.readableInside(p)
      if (entry) throw new Blocked('names-protected-path', `${what} ${shown(w)} reads everything under ${p}, including ${entry.pattern} (${entry.label}), which the tools never touch; name the folders to read instead.`)
    }
  }

  private protectedInside(p: string): string | undefined {
    return this.deny.protectedInside(p)
  }

  checkDeleteTarget(w: ShWord, recursive: boolean, what: string): void {
    const sw = shown(w)
    if (w.splittable) {
      throw new Blocked('unresolved-delete', `${what} ${sw}: an unquoted expansion may split into several paths or options; write the path literally.`)
    }
    if (w.dynamic) {
      if (recursive) throw new Blocked('unresolved-delete', `${what} ${sw}: the path is only known at run time, and recursive deletes must name their target literally.`)
      return
    }
    if (w.glob) {
      const cut = w.text.split('/')
      const firstGlob = cut.findIndex((s) => hasGlobMarker(s))
      const dirText = cut.slice(0, firstGlob).join('/') || (w.text.startsWith('/') ? '/' : '.')
      for (const dir of this.resolveAll(dirText)) {
        if (dir === null) {
          if (recursive) throw new Blocked('unresolved-delete', `${what} ${sw}: the working directory is unknown after a dynamic cd.`)
          continue
        }
        this.checkContainerDelete(dir, recursive && !w.filtered, `${what} ${sw}`)
        const hit = this.deny.globHit('write', resolve(dir, cut.slice(firstGlob).join('/')), globMarkers)
        if (hit) throw new Blocked('recursive-delete', `${what} ${sw} may match ${hit.pattern} (${hit.label}).`)
      }
      return
    }
    const {paths, unknown} = this.pathsOf(w.text)
    if (unknown && !isAbsolute(w.text)) this.checkUnanchoredDelete(w, recursive, what)
    for (const p of paths) {
      if (this.isRootLike(p)) {
        throw new Blocked('recursive-delete', `${what} ${sw} would delete ${p}, which is /, the home directory, the workspace or one of their parents.`)
      }
      if (recursive && this.isSystem(p)) throw new Blocked('recursive-delete', `${what} ${sw} would delete the system path ${p}.`)
      const inside = this.protectedInside(p)
      if (inside) throw new Blocked('recursive-delete', `${what} ${sw} would delete ${inside}, which the tools never touch.`)
    }
    const d = this.deny.check('write', paths, () => displayWord(w))
    if (!d.allowed) throw new Blocked(d.rule, `${what} ${sw}: ${d.reason}`)
  }

  /**
   * `cd "$(git rev-parse --show-toplevel)" && rm -rf dist`: the folder is unknown, so the target
   * is refused only when it could be the home, the workspace, a parent of them or a protected
   * path wherever the cd went (`.`, `..`, `proj`, `.ssh`), never for a plain build folder.
   */
  private checkUnanchoredDelete(w: ShWord, recursive: boolean, what: string): void {
    const segs = relativeSegments(fold(normalize(w.text)))
    if (segs.length === 0 || normalize(w.text).split('/')[0] === '..') {
      if (!recursive) return // rm of a folder without -r fails
      throw new Blocked('unresolved-delete', `${what} ${shown(w)} deletes the folder a run-time cd went to, or one above it; use an absolute path.`)
    }
    if (isGitInternal(`/${segs.join('/')}`)) {
      throw new Blocked('git-internals', `${what} ${shown(w)}: .git and its hooks and config are never written or deleted, wherever the cd went.`)
    }
    const hit = this.unanchored().remove.match(segs)
    if (hit) throw new Blocked('unresolved-delete', `${what} ${shown(w)} follows a cd to a folder only known at run time, and may delete ${hit.label}; use an absolute path.`)
  }

  checkContainerDelete(dir: string, recursive: boolean, what: string): void {
    if (dir === '/' || isInside(dir, this.home) || (recursive && isInside(dir, this.root))) {
      throw new Blocked('recursive-delete', `${what} would delete the contents of ${dir}, which is /, the home directory, the workspace or one of their parents.`)
    }
    if (this.isSystem(dir)) throw new Blocked('recursive-delete', `${what} would delete inside the system path ${dir}.`)
    const inside = this.protectedInside(dir)
    if (inside) throw new Blocked('recursive-delete', `${what} would delete ${inside}, which the tools never touch.`)
    const d = this.deny.check('write', [dir], dir)
    if (!d.allowed) throw new Blocked(d.rule, `${what}: ${d.reason}`)
  }
}
