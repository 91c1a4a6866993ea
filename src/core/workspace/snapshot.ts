/**
 * Snapshots of an attempt's copy, to tell exactly what the worker changed. A private git
 * directory outside the copy (so the worker can neither see nor tamper with it) indexes the copy
 * as its work tree: `tree()` before the worker runs is the baseline, `tree()` after it is the
 * result, and `diff()` between the two is the attempt's change — new, modified, deleted, binary
 * and mode-changed files alike, ignored files left out by the project's own ignore rules.
 *
 * Every git call here is `untrusted` (src/core/workspace/git.ts): the work tree was written by a
 * model, so nothing in it may run code in cto's unsandboxed process. Borrowed objects (the user's
 * repository, as alternates) are read, never written.
 */
import {mkdir, writeFile} from 'node:fs/promises'
import {dirname, isAbsolute, join, normalize} from 'node:path'

import {packageCtoKey} from '../tools/policy/protected-paths.js'
import {git, gitOk, splitZ, type GitOptions} from './git.js'

/**
 * Files cto and Claude Code read as configuration (issue 10: "a model can't rewrite its own rules"),
 * at any depth. A worker's change to them is shown to the reviewer and kept in the patch, but never
 * carried over to the user's workspace: the tools never write them in the user's folder, and an
 * approved patch must not either. The same for a package.json whose `cto` key changed (diff() checks).
 */
export const NEVER_CARRIED = ['cto.config.json', '.ctorc', '.ctorc.json', '.ctorc.yaml', '.ctorc.yml', '.claude/settings.json', '.claude/settings.local.json', '.mcp.json']

/**
 * Folders whose files are never carried over, at any depth: Claude Code's project commands, agents
 * and hooks (run by the user's next Claude Code session), and editors' project folders (VS Code
 * runs a `runOn: folderOpen` task when the folder opens). Inside an attempt's copy the sandbox
 * can't keep them read-only (sandbox-runtime protects them in cto's own working folder, the user's,
 * not in the copy), so the patch is where they stop.
 */
export const NEVER_CARRIED_FOLDERS = ['.claude/commands', '.claude/agents', '.claude/hooks', '.vscode', '.idea']

const excludeSpecs = [...NEVER_CARRIED.map((p) => `:(exclude,glob,icase)**/${p}`), ...NEVER_CARRIED_FOLDERS.map((d) => `:(exclude,glob,icase)**/${d}/**`)]

/** Whether a changed path is one of NEVER_CARRIED or inside NEVER_CARRIED_FOLDERS, at any depth (the pathspecs above, in code). */
export function neverCarried(path: string): boolean {
  const p = path.toLowerCase()
  return NEVER_CARRIED.some((f) => p === f || p.endsWith(`/${f}`)) || NEVER_CARRIED_FOLDERS.some((d) => p.startsWith(`${d}/`) || p.includes(`/${d}/`))
}

/** Whether a link at `path` (relative to the project) with this target points out of the project: absolute, or `..` past its top. */
export function linkLeavesTree(path: string, target: string): boolean {
  if (target === '' || isAbsolute(target)) return true
  const resolved = normalize(join(dirname(path), target))
  return resolved === '..' || resolved.startsWith('../') || isAbsolute(resolved)
}

/** The patch for people: binary data replaced by one line, as `git diff` without --binary shows it. */
export function readablePatch(patch: string): string {
  return patch.replace(/^GIT binary patch\n(?:(?:literal|delta) \d+\n(?:[^\n]+\n)*\n)+/gm, 'Binary files differ\n')
}

export interface ChangedFile {
  path: string
  status: 'added' | 'modified' | 'deleted' | 'type-changed'
  /** Lines added and removed; null for a binary file. */
  added: number | null
  removed: number | null
}

export interface SnapshotDiff {
  /** `git apply`-able, with binary data. */
  patch: Buffer
  /** For people and the reviewer: binary files as one line. */
  text: string
  files: ChangedFile[]
  added: number
  removed: number
  /** Changed paths that are never carried over (NEVER_CARRIED). */
  dropped: string[]
}

export interface SnapshotSettings {
  /** The private git directory (created). */
  gitDir: string
  /** The folder whose state is recorded. */
  workTree: string
  env: NodeJS.ProcessEnv
  /** Object directories to borrow from (the user's repository), read-only. */
  alternates?: string[]
  /** Ignore rules: the user's `.git/info/exclude` content, and their global excludes file. */
  exclude?: Buffer
  excludesFile?: string | null
  fileMode?: boolean
}

const STATUS: Record<string, ChangedFile['status']> = {A: 'added', M: 'modified', D: 'deleted', T: 'type-changed'}

export class Snapshot {
  private constructor(private readonly s: SnapshotSettings) {}

  static async create(s: SnapshotSettings): Promise<Snapshot> {
    const snap = new Snapshot(s)
    await mkdir(s.gitDir, {recursive: true})
    await gitOk(['init', '--quiet', '--bare', '--template=', s.gitDir], {env: s.env, trust: 'untrusted'}, 'set up the attempt snapshot')
    await mkdir(join(s.gitDir, 'info'), {recursive: true})
    await mkdir(join(s.gitDir, 'objects', 'info'), {recursive: true})
    if (s.alternates && s.alternates.length > 0) await writeFile(join(s.gitDir, 'objects', 'info', 'alternates'), `${s.alternates.join('\n')}\n`)
    await writeFile(join(s.gitDir, 'info', 'exclude'), s.exclude ?? '')
    // The copy's .gitattributes is the worker's to write: `package.json -diff` (or `binary`) would show
    // its change to the reviewer as "Binary files differ". Attributes here win over the tree's: the
    // diff attribute is unset, so git judges text or binary by the content alone.
    await writeFile(join(s.gitDir, 'info', 'attributes'), '* !diff\n')
    return snap
  }

  private opts(): GitOptions {
    return {
      cwd: this.s.workTree,
      env: this.s.env,
      trust: 'untrusted',
      extraEnv: {GIT_DIR: this.s.gitDir, GIT_WORK_TREE: this.s.workTree, GIT_INDEX_FILE: join(this.s.gitDir, 'cto-index')},
    }
  }

  private config(): string[] {
    const c = ['-c', 'core.bare=false', '-c', 'core.autocrlf=false', '-c', 'core.safecrlf=false', '-c', 'core.quotePath=false', '-c', 'core.symlinks=true']
    c.push('-c', `core.fileMode=${this.s.fileMode === false ? 'false' : 'true'}`)
    if (this.s.excludesFile) c.push('-c', `core.excludesFile=${this.s.excludesFile}`)
    return c
  }

  /** Records the work tree's current state; returns its tree id. */
  async tree(): Promise<string> {
    await gitOk([...this.config(), 'add', '--all', '--', '.'], this.opts(), "record the attempt's files")
    const out = await gitOk([...this.config(), 'write-tree'], this.opts(), "record the attempt's files")
    return out.stdout.toString('utf8').trim()
  }

  /** A file's text in a recorded tree, or null when it is not there. */
  private async blob(tree: string, path: string): Promise<string | null> {
    const r = await git([...this.config(), 'cat-file', 'blob', `${tree}:${path}`], this.opts())
    return r.code === 0 ? r.stdout.toString('utf8') : null
  }

  async diff(base: string, final: string): Promise<SnapshotDiff> {
    const o = this.opts()
    const c = this.config()
    const what = "compare the attempt's files with the ones it started from"
    // One listing of every changed path (raw: status; numstat: lines), then one patch without cto's own config files.
    const listing = splitZ((await gitOk([...c, 'diff-tree', '-r', '-z', '--raw', '--numstat', '--no-renames', base, final], o, what)).stdout)
    // Left out as well: a package.json whose `cto` key changed (cto's config), and a link that
    // points out of the project (README.md -> ~/.ssh/id_rsa would hand the key to whatever reads
    // or serves the project's files next: an editor, another agent, a static file server).
    const keptOut = new Set<string>()
    for (let i = 0; i < listing.length; i++) {
      const entry = listing[i]!
      if (entry.startsWith(':')) {
        const path = listing[++i]!
        if (entry.split(' ')[1] === '120000' && linkLeavesTree(path, (await this.blob(final, path)) ?? '')) keptOut.add(path)
        continue
      }
      const path = entry.split('\t').slice(2).join('\t')
      if (/(^|\/)package\.json$/i.test(path) && packageCtoKey(await this.blob(base, path)) !== packageCtoKey(await this.blob(final, path))) keptOut.add(path)
    }
    const specs = [...excludeSpecs, ...[...keptOut].map((p) => `:(exclude,literal)${p}`)]
    const patch = (await gitOk([...c, 'diff-tree', '-r', '-p', '--binary', '--full-index', '--no-color', '--no-renames', base, final, '--', ...specs], o, what)).stdout
    const statusOf = new Map<string, ChangedFile['status']>()
    const files: ChangedFile[] = []
    const dropped: string[] = []
    for (let i = 0; i < listing.length; i++) {
      const entry = listing[i]!
      if (entry.startsWith(':')) {
        // ":100644 100644 <old> <new> M" then the path.
        statusOf.set(listing[i + 1]!, STATUS[entry.slice(-1)] ?? 'modified')
        i++
        continue
      }
      // "added\tremoved\tpath"
      const [a, r, ...rest] = entry.split('\t')
      const path = rest.join('\t')
      if (neverCarried(path) || keptOut.has(path)) {
        dropped.push(path)
        continue
      }
      files.push({path, status: statusOf.get(path) ?? 'modified', added: a === '-' ? null : Number(a), removed: r === '-' ? null : Number(r)})
    }
    return {
      patch,
      text: readablePatch(patch.toString('utf8')),
      files,
      added: files.reduce((n, f) => n + (f.added ?? 0), 0),
      removed: files.reduce((n, f) => n + (f.removed ?? 0), 0),
      dropped,
    }
  }
}
