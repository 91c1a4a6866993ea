/**
 * The path policy of the file tools: may this path be read or written? Containment in the root
 * (workspace, else home) is decided with path.relative on both the lexical and the real path, and
 * the deny lists are checked on both too. A write never follows a symlink at its last component.
 */
import {lstatSync} from 'node:fs'
import {basename, dirname, resolve} from 'node:path'

import {configFileLabel, findDenyEntry, isGitInternal, neverReadableEntries, neverWritableEntries, type DenyEntry} from './protected-paths.js'
import {contextCwd, contextHome, contextRoot, expandLeadingTilde, refuse, type PolicyContext, type PolicyDecision} from './policy-context.js'
import {isInside, rawJoin, resolveReal} from './path-resolve.js'

export type PathMode = 'read' | 'write'

/** On success, `path` is where the operation must happen: the resolved, physical path. */
export type PathDecision = {allowed: true; path: string; lexical: string} | {allowed: false; rule: string; reason: string}

function denyReason(input: string, entry: DenyEntry, mode: PathMode): string {
  const verb = entry.rule === 'never-readable' || entry.rule === 'deny-read' ? 'may neither read nor write' : 'may never write'
  return `Refused to ${mode} ${JSON.stringify(input)}: it is ${entry.label} (${entry.pattern}), which the tools ${verb}.`
}

/** Deny lists only (no containment): what commands are held to. */
export function checkDenyLists(mode: PathMode, absPaths: string[], input: string, ctx: PolicyContext): PolicyDecision {
  const entries = mode === 'read' ? neverReadableEntries(ctx) : [...neverReadableEntries(ctx), ...neverWritableEntries(ctx)]
  for (const p of absPaths) {
    const hit = findDenyEntry(p, entries)
    if (hit) return refuse(hit.rule, denyReason(input, hit, mode))
    const configLabel = mode === 'write' ? configFileLabel(p) : undefined
    if (configLabel) {
      return refuse('config-file', `Refused to write ${JSON.stringify(input)}: it is ${configLabel}, which the tools never write (a model must not rewrite its own rules).`)
    }
    if (mode === 'write' && isGitInternal(p)) {
      return refuse('git-internals', `Refused to write ${JSON.stringify(input)}: .git/hooks, .git/config and .git itself are never written (they run code later).`)
    }
  }
  return {allowed: true}
}

function no(rule: string, reason: string): PathDecision {
  return {allowed: false, rule, reason}
}

export function checkPath(mode: PathMode, inputPath: string, ctx: PolicyContext = {}): PathDecision {
  if (typeof inputPath !== 'string' || inputPath.length === 0) return no('invalid-path', 'Refused: the path is empty.')
  if (inputPath.includes('\0')) return no('nul-byte', 'Refused: the path contains a NUL byte.')

  const home = contextHome(ctx)
  const root = contextRoot(ctx)
  const cwd = contextCwd(ctx)
  const expanded = expandLeadingTilde(inputPath, home)
  const lexical = resolve(cwd, expanded)
  const raw = rawJoin(cwd, expanded)

  let real: string
  let realRoot: string
  try {
    realRoot = resolveReal(root)
    if (mode === 'write') {
      const realParent = resolveReal(dirname(raw))
      const name = basename(raw)
      if (name === '..' || name === '.' || raw.endsWith('/')) {
        return no('not-a-file', `Refused to write ${JSON.stringify(inputPath)}: name a file, not a folder.`)
      }
      real = resolve(realParent, name)
      let isLink = false
      try {
        isLink = lstatSync(real).isSymbolicLink()
      } catch {
        isLink = false
      }
      if (isLink) {
        return no('symlink-write', `Refused to write ${JSON.stringify(inputPath)}: it is a symbolic link, and writes never follow one. Write to the real file instead.`)
      }
    } else {
      real = resolveReal(raw)
    }
  } catch (error) {
    return no('unresolvable-path', `Refused: ${JSON.stringify(inputPath)} cannot be resolved (${(error as Error).message}).`)
  }

  if (!isInside(root, lexical)) {
    return no('outside-root', `Refused to ${mode} ${JSON.stringify(inputPath)}: it is outside ${root}, the only folder the tools may use.`)
  }
  if (!isInside(realRoot, real)) {
    return no('symlink-escape', `Refused to ${mode} ${JSON.stringify(inputPath)}: it resolves through a symbolic link to ${real}, outside ${root}.`)
  }
  const denied = checkDenyLists(mode, [lexical, real], inputPath, ctx)
  if (!denied.allowed) return denied
  return {allowed: true, path: real, lexical}
}
