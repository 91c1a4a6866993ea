/**
 * Where a path really lands: symlinks resolved component by component as the kernel would (a `..`
 * after a symlink climbs from the link's target), including dangling links and the parents of a
 * file that does not exist yet, so a write through `link/new-file` is judged where it would land.
 */
import {lstatSync, readlinkSync} from 'node:fs'
import {dirname, isAbsolute, join, relative, resolve, sep} from 'node:path'

const MAX_LINKS = 40

/** Joins `input` to `base` without normalising `..` away (that is the kernel's job, done below). */
export function rawJoin(base: string, input: string): string {
  return isAbsolute(input) ? input : `${base}${sep}${input}`
}

/** The physical path `p` (absolute, possibly with `..` and symlinks) designates. */
export function resolveReal(p: string): string {
  const queue = p.split(sep).filter((s) => s.length > 0)
  let current: string = sep
  let links = 0
  while (queue.length > 0) {
    const part = queue.shift()!
    if (part === '.') continue
    if (part === '..') {
      current = dirname(current)
      continue
    }
    const next = join(current, part)
    let isLink: boolean
    try {
      isLink = lstatSync(next).isSymbolicLink()
    } catch {
      // Does not exist (or is not reachable): the rest is taken as written.
      return resolve(next, ...queue)
    }
    if (!isLink) {
      current = next
      continue
    }
    if (++links > MAX_LINKS) throw new Error(`too many levels of symbolic links at ${next}`)
    const target = readlinkSync(next)
    queue.unshift(...target.split(sep).filter((s) => s.length > 0))
    if (isAbsolute(target)) current = sep
  }
  return current
}

/** True when `child` is `parent` or inside it (both absolute and normalised). */
export function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child)
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel))
}
