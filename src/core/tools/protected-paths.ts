/**
 * The paths the tools never read or write, as patterns over absolute paths. `*` in a pattern
 * matches within one path segment. Matching is case-insensitive and ignores Unicode compatibility
 * forms and invisible characters, so `~/.SSH`, a full-width letter or a zero-width space does not
 * slip past (a refusal of a harmless look-alike is the accepted cost).
 */
import {realpathSync} from 'node:fs'
import {join, resolve, sep} from 'node:path'

import {configDir} from '../paths.js'
import {contextEnv, contextHome, contextPolicy, expandLeadingTilde, type PolicyContext} from './policy-context.js'

export interface DenyEntry {
  /** Absolute pattern, `*` within a segment. */
  pattern: string
  rule: 'never-readable' | 'system-path' | 'shell-startup-file' | 'deny-read' | 'deny-write'
  /** What it protects, for the message. */
  label: string
}

const invisible = /[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0]/gu

/** The form paths are compared in. */
export function foldPath(p: string): string {
  return p.normalize('NFKC').replace(invisible, '').toLowerCase()
}

function segments(p: string): string[] {
  return p.split(sep).filter((s) => s.length > 0)
}

const segmentRegexCache = new Map<string, RegExp>()
function segmentMatches(patternSeg: string, seg: string): boolean {
  if (!patternSeg.includes('*')) return patternSeg === seg
  let re = segmentRegexCache.get(patternSeg)
  if (!re) {
    re = new RegExp(`^${patternSeg.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's')
    segmentRegexCache.set(patternSeg, re)
  }
  return re.test(seg)
}

/** True when `absPath` is the pattern's path or lies inside it. */
export function pathMatchesPattern(absPath: string, pattern: string): boolean {
  const p = segments(foldPath(absPath))
  const s = segments(foldPath(pattern))
  if (p.length < s.length) return false
  return s.every((seg, i) => segmentMatches(seg, p[i]!))
}

function realOrSelf(p: string): string {
  try {
    return realpathSync.native(p)
  } catch {
    return p
  }
}

function homeVariants(ctx: PolicyContext): string[] {
  const home = contextHome(ctx)
  const real = realOrSelf(home)
  return real === home ? [home] : [home, real]
}

function userPattern(p: string, home: string): string {
  return resolve(home, expandLeadingTilde(p, home))
}

const neverReadableInHome: Array<[string, string]> = [
  ['credentials', 'the credentials folder'],
  [join('agents', '*', 'config.json'), 'a model config holding an API key'],
  ['.ssh', 'SSH keys'],
  ['.aws', 'AWS credentials'],
  ['.gnupg', 'GnuPG keys'],
  [join('.config', 'cto'), "cto's own config and keys"],
  ['.netrc', 'network credentials'],
  ['.git-credentials', 'git credentials'],
  [join('.docker', 'config.json'), 'Docker registry credentials'],
  [join('.kube', 'config'), 'Kubernetes credentials'],
]

const systemPaths = ['/etc', '/usr', '/var', '/boot', '/bin', '/sbin', '/lib*', '/opt', '/root', '/proc', '/sys', '/dev', '/snap', '/System', '/Library', '/private/etc', '/private/var']

const startupFilesInHome = [
  '.bashrc', '.bash_profile', '.bash_login', '.bash_logout', '.bash_aliases', '.profile', '.zshrc', '.zshenv',
  '.zprofile', '.zlogin', '.zlogout', '.cshrc', '.tcshrc', '.login', '.kshrc', '.mkshrc', '.inputrc', '.xprofile',
  '.xinitrc', '.xsession', '.pam_environment', '.gitconfig', join('.config', 'fish'), join('.config', 'git'),
  join('.config', 'autostart'), join('.config', 'systemd'), join('.config', 'environment.d'),
]

/** Never read nor written: keys, credentials, cto's own config, plus the config's `deny_read`. */
export function neverReadableEntries(ctx: PolicyContext): DenyEntry[] {
  const env = contextEnv(ctx)
  const out: DenyEntry[] = []
  for (const home of homeVariants(ctx)) {
    for (const [rel, label] of neverReadableInHome) out.push({pattern: join(home, rel), rule: 'never-readable', label})
  }
  const cto = resolve(configDir(env))
  out.push({pattern: cto, rule: 'never-readable', label: "cto's own config and keys"})
  const realCto = realOrSelf(cto)
  if (realCto !== cto) out.push({pattern: realCto, rule: 'never-readable', label: "cto's own config and keys"})
  const home = contextHome(ctx)
  for (const p of contextPolicy(ctx).deny_read) out.push({pattern: userPattern(p, home), rule: 'deny-read', label: 'a path the config denies'})
  return out
}

/** Never written (on top of the never-readable ones): system paths, shell start-up files, `deny_write`. */
export function neverWritableEntries(ctx: PolicyContext): DenyEntry[] {
  const out: DenyEntry[] = systemPaths.map((p) => ({pattern: p, rule: 'system-path', label: 'a system path'}))
  for (const home of homeVariants(ctx)) {
    for (const rel of startupFilesInHome) out.push({pattern: join(home, rel), rule: 'shell-startup-file', label: 'a shell start-up or user config file'})
  }
  const home = contextHome(ctx)
  for (const p of contextPolicy(ctx).deny_write) out.push({pattern: userPattern(p, home), rule: 'deny-write', label: 'a path the config denies'})
  return out
}

export function findDenyEntry(absPath: string, entries: DenyEntry[]): DenyEntry | undefined {
  return entries.find((e) => pathMatchesPattern(absPath, e.pattern))
}

/** `.git/hooks/…`, `.git/config` and a `.git` entry itself, anywhere: writing them runs code later. */
export function isGitInternal(absPath: string): boolean {
  const s = segments(foldPath(absPath))
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== '.git') continue
    if (i === s.length - 1) return true
    if (s[i + 1] === 'hooks' || (s[i + 1] === 'config' && i + 1 === s.length - 1)) return true
  }
  return false
}

/** Device files a command may write to: they are not devices that hold data. */
const harmlessDevices = new Set(['/dev/null', '/dev/stdout', '/dev/stderr', '/dev/tty', '/dev/fd/1', '/dev/fd/2', '/dev/zero'])
export function isHarmlessDevice(absPath: string): boolean {
  return harmlessDevices.has(absPath)
}
