/**
 * Configuration a command must not create or change, checked by content around every command.
 *
 * The sandbox keeps existing config files read-only (boundary.ts), but it can only protect files
 * that exist: bubblewrap would have to create a placeholder in the user's folder to cover a missing
 * one. So cto also takes a snapshot before each command of what cto and Claude Code would read as
 * configuration — `cto.config.json`, `.ctorc*`, the `cto` key of `package.json`, `.claude/settings*.json`,
 * `.mcp.json`, git hooks and `.git/config` — in every folder from the command's folder up to the
 * workspace, and afterwards puts back whatever changed (deleting what was created), telling the model.
 *
 * cto does this unsandboxed, after the command, so it never reads or writes through a folder the
 * command could have swapped for a link: a command whose folder `sub` became `sub -> ~` would
 * otherwise have cto "put back" `sub/.claude/settings.json` into `~/.claude/settings.json` (or delete
 * the user's own there). Every folder between the workspace and a watched file must be a real folder;
 * one that is not (a link, a file) is itself the change, and is removed before anything is put back.
 */
import {createHash} from 'node:crypto'
import {lstat, mkdir, readdir, readFile, rm, writeFile} from 'node:fs/promises'
import {dirname, join, relative, resolve, sep} from 'node:path'

import {isInside} from '../policy/path-resolve.js'
import {dangerousGitConfigKey} from '../policy/command-names.js'
import {CONFIG_FILE_NAMES} from '../policy/protected-paths.js'

// `.git/hooks` itself too: a command that swaps it for a link would point git at hooks of its choosing.
const WATCHED = [...CONFIG_FILE_NAMES, join('.claude', 'settings.json'), join('.claude', 'settings.local.json'), '.mcp.json', join('.git', 'config'), join('.git', 'hooks')]

/**
 * Folders whose files run later without asking: Claude Code's project commands, agents and hooks,
 * an editor's tasks (VS Code runs a `runOn: folderOpen` task). An existing one is read-only in the
 * sandbox (boundary.ts); one a command creates is removed. sandbox-runtime guards `.vscode`,
 * `.idea`, `.claude/commands` and `.claude/agents` itself, but only in the process's working
 * folder: not in the workspace of a `cto run` started in a subfolder, nor in an attempt's copy.
 * (Not by a read-only stand-in while the command runs: bubblewrap's stand-in for a missing path is a
 * device file, and `git add -A` fails on one.)
 */
export const GUARDED_FOLDERS = [join('.claude', 'commands'), join('.claude', 'agents'), join('.claude', 'hooks'), '.vscode', '.idea']
const PRESENT = Buffer.from('\0cto-config-guard: present')

/** path → content (null: absent or a folder). For package.json, the `cto` key is what is compared. */
export type ConfigSnapshot = Map<string, Buffer | null>

/** What a watched path reads as when a folder on the way to it is not a real folder (never followed). */
const DETOUR = '\0cto-config-guard: reached through '

function foldersFrom(cwd: string, workspace: string): string[] {
  const out: string[] = []
  let dir = resolve(cwd)
  if (!isInside(workspace, dir)) dir = workspace
  for (;;) {
    out.push(dir)
    if (dir === workspace || dirname(dir) === dir) break
    dir = dirname(dir)
  }
  return out
}

/**
 * The first entry between the workspace and `p`'s folder that is not a real folder (a link, or a
 * file), or undefined when every one is a folder or the way ends in a missing one.
 */
async function detour(p: string, workspace: string): Promise<string | undefined> {
  const rel = relative(workspace, dirname(p))
  let dir = workspace
  for (const segment of rel === '' ? [] : rel.split(sep)) {
    dir = join(dir, segment)
    const st = await lstat(dir).catch(() => undefined)
    if (!st) return undefined
    if (!st.isDirectory()) return dir
  }
  return undefined
}

async function read(p: string, workspace: string): Promise<Buffer | null> {
  const via = await detour(p, workspace)
  if (via !== undefined) return Buffer.from(`${DETOUR}${relative(workspace, via)}`)
  try {
    const st = await lstat(p)
    if (!st.isFile()) return st.isSymbolicLink() ? Buffer.from(`symlink`) : null
    return await readFile(p)
  } catch {
    return null
  }
}

/** A guarded folder: there or not (what is in an existing one is read-only); never followed. */
async function presence(p: string, workspace: string): Promise<Buffer | null> {
  const via = await detour(p, workspace)
  if (via !== undefined) return Buffer.from(`${DETOUR}${relative(workspace, via)}`)
  return (await lstat(p).catch(() => undefined)) ? PRESENT : null
}

function ctoKey(pkg: Buffer | null): string {
  if (!pkg) return 'absent'
  try {
    const data = JSON.parse(pkg.toString('utf8')) as Record<string, unknown>
    return JSON.stringify(data?.cto ?? null)
  } catch {
    return `unparsable:${createHash('sha256').update(pkg).digest('hex')}`
  }
}

async function hookFiles(dir: string, workspace: string): Promise<string[]> {
  const hooks = join(dir, '.git', 'hooks')
  if ((await detour(join(hooks, 'x'), workspace)) !== undefined) return []
  try {
    return (await readdir(join(dir, '.git', 'hooks'))).filter((n) => !n.endsWith('.sample')).map((n) => join(dir, '.git', 'hooks', n))
  } catch {
    return []
  }
}

export async function snapshotConfigFiles(cwd: string, workspace: string): Promise<ConfigSnapshot> {
  const snap: ConfigSnapshot = new Map()
  for (const dir of foldersFrom(cwd, workspace)) {
    for (const rel of [...WATCHED, 'package.json']) snap.set(join(dir, rel), await read(join(dir, rel), workspace))
    for (const rel of GUARDED_FOLDERS) snap.set(join(dir, rel), await presence(join(dir, rel), workspace))
    for (const hook of await hookFiles(dir, workspace)) snap.set(hook, await read(hook, workspace))
  }
  return snap
}

/** Keys of a git config file (`section.subsection.key`, lower case). */
export function gitConfigKeys(text: string): string[] {
  const keys: string[] = []
  let section = ''
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue
    const head = /^\[\s*([^\s\]"]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\]/.exec(line)
    if (head) {
      section = head[2] === undefined ? head[1]! : `${head[1]}.${head[2]}`
      const rest = line.slice(head[0].length).trim()
      if (rest && !rest.startsWith('#') && !rest.startsWith(';')) keys.push(`${section}.${rest.split(/[\s=]/)[0]}`.toLowerCase())
      continue
    }
    keys.push(`${section}.${line.split(/[\s=]/)[0]}`.toLowerCase())
  }
  return keys
}

/** A git config that makes git run programs or read other config: hooks, fsmonitor, aliases to shell, filters, helpers. */
export function gitConfigRunsCode(text: string): boolean {
  return gitConfigKeys(text).some((k) => dangerousGitConfigKey.test(k) || k === 'diff.external')
}

const isDetour = (b: Buffer | null): boolean => b !== null && b.subarray(0, DETOUR.length).toString() === DETOUR

function same(path: string, before: Buffer | null, after: Buffer | null): boolean {
  if (isDetour(before) || isDetour(after)) return before !== null && after !== null && before.equals(after)
  if (path.endsWith(`${'/'}package.json`)) return ctoKey(before) === ctoKey(after)
  // A repository the command created (`git init`) has a new config: kept unless it runs code.
  if (path.endsWith(join('.git', 'config')) && before === null && after !== null) return !gitConfigRunsCode(after.toString('utf8'))
  if (before === null || after === null) return before === after
  return before.equals(after)
}

/**
 * Compares with the snapshot and puts back what changed. Returns the paths restored (relative to
 * the workspace), empty when nothing was touched.
 */
export async function restoreConfigFiles(snap: ConfigSnapshot, cwd: string, workspace: string): Promise<string[]> {
  const restored: string[] = []
  const now = new Map(snap)
  for (const dir of foldersFrom(cwd, workspace)) for (const hook of await hookFiles(dir, workspace)) if (!now.has(hook)) now.set(hook, null)
  for (const [path, before] of now) {
    const guarded = GUARDED_FOLDERS.some((rel) => path.endsWith(`${sep}${rel}`))
    const after = guarded ? await presence(path, workspace) : await read(path, workspace)
    if (same(path, before, after)) continue
    // A folder on the way became a link (or a file): that is the change. Removed (it is in the
    // workspace); nothing is ever read, written or removed through it.
    const via = await detour(path, workspace)
    if (via !== undefined) {
      await rm(via, {force: true, recursive: true})
      if (!restored.includes(relative(workspace, via))) restored.push(relative(workspace, via))
      if ((await detour(path, workspace)) !== undefined || same(path, before, await (guarded ? presence : read)(path, workspace))) continue
    }
    if (before === null || isDetour(before) || guarded) await rm(path, {force: true, recursive: true})
    else {
      await rm(path, {force: true, recursive: true})
      await mkdir(dirname(path), {recursive: true})
      await writeFile(path, before)
    }
    restored.push(relative(workspace, path) || path)
  }
  return restored
}
