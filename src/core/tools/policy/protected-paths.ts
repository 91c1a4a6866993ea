/**
 * The paths the tools never read or write, as patterns over absolute paths. `*` in a pattern
 * matches within one path segment. Matching is case-insensitive and ignores Unicode compatibility
 * forms and invisible characters, so `~/.SSH`, a full-width letter or a zero-width space does not
 * slip past (a refusal of a harmless look-alike is the accepted cost).
 */
import {realpathSync} from 'node:fs'
import {join, resolve, sep} from 'node:path'

import {cacheDir, configDir, dataDir} from '../../paths.js'
import {segmentMatches} from './glob-match.js'
import {contextEnv, contextHome, contextPolicy, expandLeadingTilde, type PolicyContext} from './policy-context.js'

export interface DenyEntry {
  /** Absolute pattern, `*` within a segment. */
  pattern: string
  rule: 'never-readable' | 'system-path' | 'config-file' | 'deny-read' | 'deny-write'
  /** What it protects, for the message. */
  label: string
}

const invisibleRanges: Array<[number, number]> = [
  [0x00ad, 0x00ad], [0x034f, 0x034f], [0x061c, 0x061c], [0x115f, 0x1160], [0x17b4, 0x17b5], [0x180b, 0x180f],
  [0x200b, 0x200f], [0x202a, 0x202e], [0x2060, 0x206f], [0x3164, 0x3164], [0xfe00, 0xfe0f], [0xfeff, 0xfeff], [0xffa0, 0xffa0],
]
const isInvisible = (ch: string) => {
  const cp = ch.codePointAt(0)!
  return invisibleRanges.some(([a, b]) => cp >= a && cp <= b)
}

/** The form paths are compared in. */
export function foldPath(p: string): string {
  return [...p.normalize('NFKC')].filter((c) => !isInvisible(c)).join('').toLowerCase()
}

function segments(p: string): string[] {
  return p.split(sep).filter((s) => s.length > 0)
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
  ['agents', 'model configs holding API keys'],
  ['.ssh', 'SSH keys'],
  ['.aws', 'AWS credentials'],
  ['.gnupg', 'GnuPG keys'],
  [join('.config', 'cto'), "cto's own config and keys"],
  ['.claude*', "Claude Code's config, credentials and history"],
  [join('.config', 'gh'), 'GitHub CLI credentials'],
  [join('.config', 'gcloud'), 'Google Cloud credentials'],
  ['.azure', 'Azure credentials'],
  ['.npmrc', 'npm credentials'],
  ['.yarnrc*', 'Yarn credentials'],
  ['.pypirc', 'PyPI credentials'],
  ['.pgpass', 'PostgreSQL passwords'],
  ['.my.cnf', 'MySQL credentials'],
  ['.netrc', 'network credentials'],
  ['.git-credentials', 'git credentials'],
  ['.docker', 'Docker registry credentials'],
  ['.kube', 'Kubernetes credentials'],
  ['.password-store', 'a password store'],
  [join('.local', 'share', 'keyrings'), 'the desktop keyring'],
]
const systemPaths = ['/etc', '/usr', '/var', '/boot', '/bin', '/sbin', '/lib*', '/opt', '/root', '/proc', '/sys', '/dev', '/snap', '/System', '/Library', '/private/etc', '/private/var']

const startupFilesInHome = [
  '.bashrc', '.bash_profile', '.bash_login', '.bash_logout', '.bash_aliases', '.profile', '.zshrc', '.zshenv',
  '.zprofile', '.zlogin', '.zlogout', '.cshrc', '.tcshrc', '.login', '.kshrc', '.mkshrc', '.inputrc', '.xprofile',
  '.xinitrc', '.xsession', '.pam_environment', '.gitconfig', join('.config', 'fish'), join('.config', 'git'),
  join('.config', 'autostart'), join('.config', 'systemd'), join('.config', 'environment.d'),
]

/** Files that hold keys named by the config (`provider_endpoints.<model>.config_path`), set per process. */
let configuredKeyFiles: string[] = []
export function setConfiguredKeyFiles(paths: string[]): void {
  configuredKeyFiles = [...paths]
}

/**
 * Never read nor written: keys, credentials, shell start-up files, cto's own config and history,
 * files the config names as key files, plus the config's `deny_read`. The OS sandbox hides the same
 * list from commands (src/core/tools/sandbox/boundary.ts).
 */
export function neverReadableEntries(ctx: PolicyContext): DenyEntry[] {
  const env = contextEnv(ctx)
  const out: DenyEntry[] = []
  for (const home of homeVariants(ctx)) {
    for (const [rel, label] of neverReadableInHome) out.push({pattern: join(home, rel), rule: 'never-readable', label})
    for (const rel of startupFilesInHome) out.push({pattern: join(home, rel), rule: 'never-readable', label: 'a shell start-up or user config file'})
  }
  const own: Array<[string, string]> = [
    [resolve(configDir(env)), "cto's own config and keys"],
    [resolve(dataDir(env), 'perf'), "cto's performance store"],
    [resolve(dataDir(env), 'logs'), "cto's task log"],
    [resolve(cacheDir(env)), "cto's cache"],
    [resolve(dataDir(env), 'spend'), "cto's spend ledger (budgets)"],
    [resolve(dataDir(env), 'availability.jsonl'), "cto's model availability log"],
  ]
  for (const [p, label] of own) {
    out.push({pattern: p, rule: 'never-readable', label})
    const real = realOrSelf(p)
    if (real !== p) out.push({pattern: real, rule: 'never-readable', label})
  }
  for (const p of configuredKeyFiles) out.push({pattern: resolve(p), rule: 'never-readable', label: 'a file holding an API key'})
  const home = contextHome(ctx)
  for (const p of contextPolicy(ctx).deny_read) out.push({pattern: userPattern(p, home), rule: 'deny-read', label: 'a path the config denies'})
  return out
}

/** Never written (on top of the never-readable ones): system paths, shell start-up files, `deny_write`. */
export function neverWritableEntries(ctx: PolicyContext): DenyEntry[] {
  // A system path that holds the user's own home (root's /root, a home under /var or /opt) is theirs;
  // the OS sandbox keeps the rest of it read-only anyway.
  const homes = homeVariants(ctx)
  const essential = new Set(['/etc', '/usr', '/bin', '/sbin', '/lib*', '/boot', '/proc', '/sys', '/dev', '/System', '/private/etc'])
  const out: DenyEntry[] = systemPaths
    .filter((p) => essential.has(p) || !homes.some((h) => pathMatchesPattern(h, p)))
    .map((p) => ({pattern: p, rule: 'system-path', label: 'a system path'}))
  const home = contextHome(ctx)
  for (const p of contextPolicy(ctx).deny_write) out.push({pattern: userPattern(p, home), rule: 'deny-write', label: 'a path the config denies'})
  return out
}

/**
 * Files cto reads as configuration, by name, wherever they are: a model that could write them would
 * rewrite its own rules (another endpoint for the user's key, a wider workspace, a hook that runs
 * outside any sandbox the next time Claude Code starts).
 */
export const CONFIG_FILE_NAMES = ['cto.config.json', '.ctorc', '.ctorc.json', '.ctorc.yaml', '.ctorc.yml']
const configFilePatterns: Array<[RegExp, string]> = [
  [/(^|\/)(cto\.config\.json|\.ctorc(\.json|\.ya?ml)?)$/, "a cto config file"],
  [/(^|\/)\.claude\/settings(\.local)?\.json$/, "Claude Code's project settings (hooks run outside any sandbox)"],
  [/(^|\/)\.claude\/(commands|agents|hooks)(\/|$)/, "Claude Code's project commands, agents and hooks"],
  [/(^|\/)\.mcp\.json$/, 'an MCP server list (servers run outside any sandbox)'],
  [/(^|\/)\.(vscode|idea)(\/|$)/, "an editor's project settings (its tasks can run when the folder opens)"],
]

/**
 * The `cto` key of a package.json as cto reads it (src/core/config/project-config.ts: JSON.parse, a
 * file that doesn't parse has none), as comparable text. package.json itself is the project's to
 * change; this key is cto's config, so a write that changes it is refused (write_file, edit_file).
 */
export function packageCtoKey(text: string | null): string {
  if (text === null) return 'null'
  try {
    return JSON.stringify((JSON.parse(text) as Record<string, unknown> | null)?.cto ?? null)
  } catch {
    return 'null'
  }
}

/** The refusal of a write that would change a package.json's `cto` key, or undefined. */
export function packageCtoKeyRefusal(absPath: string, shown: string, before: string | null, after: string): string | undefined {
  if (segments(foldPath(absPath)).at(-1) !== 'package.json' || packageCtoKey(before) === packageCtoKey(after)) return undefined
  return `Refused to write ${JSON.stringify(shown)}: the change sets its "cto" key, cto's own config, which the tools never write (a model must not rewrite its own rules). Change the other fields only.`
}

/** Is this (absolute) path a file cto or Claude Code reads as configuration? Returns its label. */
export function configFileLabel(absPath: string): string | undefined {
  const folded = foldPath(absPath)
  return configFilePatterns.find(([re]) => re.test(folded))?.[1]
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

/** True when `absPath` is an ancestor of (or equal to) something the pattern names. */
export function pathContainsPattern(absPath: string, pattern: string): boolean {
  const p = segments(foldPath(absPath))
  const s = segments(foldPath(pattern))
  if (p.length > s.length) return false
  return p.every((seg, i) => segmentMatches(s[i]!, seg))
}

/**
 * For a path with glob markers (one char per `*`, `?`, `[` as given): could it expand to a path
 * inside, equal to, or above what the pattern names?
 */
export function globMayTouchPattern(globPath: string, pattern: string, markers: {star: string; qmark: string; klass: string}): boolean {
  const g = segments(foldPath(globPath))
  const s = segments(foldPath(pattern))
  const n = Math.min(g.length, s.length)
  for (let i = 0; i < n; i++) {
    const gs = g[i]!
    const ps = s[i]!
    const gsGlob = gs.includes(markers.star) || gs.includes(markers.qmark) || gs.includes(markers.klass)
    if (ps.includes('*')) {
      if (!gsGlob && !segmentMatches(ps, gs)) return false
      continue
    }
    if (gs.includes(markers.klass)) continue
    if (gsGlob) {
      const dotOk = gs.startsWith('.') || !ps.startsWith('.')
      const re = new RegExp(
        `^${[...gs].map((c) => (c === markers.star ? '.*' : c === markers.qmark ? '.' : c.replace(/[.+?^${}()|[\]\\*]/g, '\\$&'))).join('')}$`,
        's',
      )
      if (!dotOk || !re.test(ps)) return false
      continue
    }
    if (gs !== ps) return false
  }
  return true
}
