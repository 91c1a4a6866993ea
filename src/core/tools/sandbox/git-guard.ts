/**
 * The config guard's other half: what a command put in the workspace's git repository. A command
 * may commit (`git commit` as the model is honest work), and git's objects, index and refs are
 * writable for it; so it could commit a file the tools never write — `.claude/settings.json` with
 * hooks, `.mcp.json`, a `.vscode` task, a package.json `cto` key — without it ever touching the
 * working tree the config guard watches (`git hash-object -w`, `git update-index --cacheinfo`,
 * `git commit`). The user's next `git checkout -- .`, `git stash` or a clone of what they push
 * would bring it out, to run unsandboxed.
 *
 * So around each command: HEAD, the index and the number of stash entries are recorded;
 * afterwards, a staged guarded file is put back as it was, commits that changed one get a commit
 * on top that puts those files back as they were (history is never rewritten), and a new stash
 * entry holding one is dropped; the model is told. cto's git here
 * is `untrusted` (src/core/workspace/git.ts): no hooks, no fsmonitor, no user config.
 */
import {lstat, readFile, rm, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {packageCtoKey} from '../policy/protected-paths.js'
import {git, splitZ, type GitOptions} from '../../workspace/git.js'
import {NEVER_CARRIED, NEVER_CARRIED_FOLDERS, neverCarried} from '../../workspace/snapshot.js'

export interface GitGuardState {
  head: string | null
  /** The index as it was (read by git only if the command changed it). */
  index: Buffer | null
  indexStamp: string
  /** How many stash entries there were (the stash's reflog lines). */
  stashes: number
}

function options(workspace: string, env: NodeJS.ProcessEnv, extra: Record<string, string> = {}): GitOptions {
  return {cwd: workspace, env, trust: 'untrusted', extraEnv: {GIT_DIR: join(workspace, '.git'), GIT_WORK_TREE: workspace, ...extra}}
}

async function head(workspace: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  const r = await git(['rev-parse', '-q', '--verify', 'HEAD^{commit}'], options(workspace, env))
  return r.code === 0 ? r.stdout.toString('utf8').trim() : null
}

async function stashCount(workspace: string): Promise<number> {
  const log = await readFile(join(workspace, '.git', 'logs', 'refs', 'stash'), 'utf8').catch(() => '')
  return log.split('\n').filter(Boolean).length
}

async function stamp(workspace: string): Promise<string> {
  const st = await lstat(join(workspace, '.git', 'index')).catch(() => undefined)
  return st ? `${st.ino}:${st.size}:${st.mtimeMs}` : 'none'
}

/** Pathspecs of what is guarded, so git lists only those (a large repository's index is not read out whole). */
const SPECS = [...NEVER_CARRIED, 'package.json'].map((p) => `:(glob,icase)**/${p}`).concat(NEVER_CARRIED_FOLDERS.map((d) => `:(glob,icase)**/${d}/**`))

/** Index entries of paths the tools never write (and of every package.json, whose cto key is checked). */
async function stagedGuarded(workspace: string, env: NodeJS.ProcessEnv, extra: Record<string, string> = {}): Promise<Map<string, string>> {
  const r = await git(['ls-files', '-s', '-z', '--', ...SPECS], options(workspace, env, extra))
  const out = new Map<string, string>()
  for (const e of splitZ(r.stdout)) {
    const tab = e.indexOf('\t')
    const path = e.slice(tab + 1)
    if (neverCarried(path) || /(^|\/)package\.json$/i.test(path)) out.set(path, e.slice(0, tab).split(' ').slice(0, 2).join(' '))
  }
  return out
}

/** Before a command: only for a workspace that is itself a repository (its own `.git` folder). */
export async function snapshotGit(workspace: string, env: NodeJS.ProcessEnv): Promise<GitGuardState | undefined> {
  if (!(await lstat(join(workspace, '.git')).catch(() => undefined))?.isDirectory()) return undefined
  const [h, index, indexStamp, stashes] = await Promise.all([head(workspace, env), readFile(join(workspace, '.git', 'index')).catch(() => null), stamp(workspace), stashCount(workspace)])
  return {head: h, index, indexStamp, stashes}
}

async function blob(workspace: string, env: NodeJS.ProcessEnv, spec: string): Promise<string | null> {
  const r = await git(['cat-file', 'blob', spec], options(workspace, env))
  return r.code === 0 ? r.stdout.toString('utf8') : null
}

/** Whether a change of `path` between two entries (`mode sha`, null: absent) is one the tools never make. */
async function guardedChange(workspace: string, env: NodeJS.ProcessEnv, path: string, before: string | null, after: string | null): Promise<boolean> {
  if (neverCarried(path)) return true
  const text = (e: string | null) => (e ? blob(workspace, env, e.split(' ')[1]!) : Promise.resolve(null))
  return packageCtoKey(await text(before)) !== packageCtoKey(await text(after))
}

/** `mode sha` of `path` in a commit, or null. */
async function entryIn(workspace: string, env: NodeJS.ProcessEnv, commit: string | null, path: string): Promise<string | null> {
  if (!commit) return null
  const r = await git(['ls-tree', '-z', commit, '--', path], options(workspace, env))
  const e = splitZ(r.stdout)[0]
  return e ? e.slice(0, e.indexOf('\t')).split(' ').filter((_, i) => i !== 1).join(' ') : null
}

async function setEntry(workspace: string, env: NodeJS.ProcessEnv, path: string, entry: string | null, extra: Record<string, string> = {}): Promise<boolean> {
  const o = options(workspace, env, extra)
  if (entry === null) return (await git(['update-index', '--force-remove', '--', path], o)).code === 0
  const [mode, sha] = entry.split(' ')
  return (await git(['update-index', '--add', '--cacheinfo', `${mode},${sha},${path}`], o)).code === 0
}

/**
 * After a command: puts back what it staged or committed of guarded files. Returns what was put
 * back, as lines for the model, empty when nothing was.
 */
export async function restoreGit(state: GitGuardState | undefined, workspace: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  if (!state) return []
  const now = await head(workspace, env)
  const stashes = await stashCount(workspace)
  if (now === state.head && stashes === state.stashes && (await stamp(workspace)) === state.indexStamp) return []
  const told: string[] = []

  // Stashed: a new stash entry holding a guarded file is dropped (the user's next `git stash pop`
  // would bring it out as if it were theirs).
  for (let i = stashes - state.stashes - 1; i >= 0; i--) {
    const entry = `stash@{${i}}`
    const base = `${entry}^1`
    const parts = [[base, entry], [base, `${entry}^2`]]
    if ((await git(['rev-parse', '-q', '--verify', `${entry}^3`], options(workspace, env))).code === 0) parts.push(['--root', `${entry}^3`])
    let guarded: string | undefined
    for (const range of parts) {
      const changed = splitZ((await git(['diff-tree', '-r', '-z', '--no-renames', '--name-only', ...range], options(workspace, env))).stdout)
      for (const path of changed) {
        if (!neverCarried(path) && !/(^|\/)package\.json$/i.test(path)) continue
        const from = range[0] === '--root' ? null : await entryIn(workspace, env, range[0]!, path)
        if (await guardedChange(workspace, env, path, from, await entryIn(workspace, env, range[1]!, path))) guarded ??= path
      }
    }
    if (guarded && (await git(['stash', 'drop', '-q', entry], options(workspace, env))).code === 0) told.push(`stashed ${guarded} (that stash entry dropped)`)
  }

  // Staged: every guarded index entry back as it was before the command.
  const beforeIndex = join(workspace, '.git', `cto-guard-before-${process.pid}`)
  let stagedBefore = new Map<string, string>()
  if (state.index) {
    await writeFile(beforeIndex, state.index)
    stagedBefore = await stagedGuarded(workspace, env, {GIT_INDEX_FILE: beforeIndex})
    await rm(beforeIndex, {force: true})
  }
  const staged = await stagedGuarded(workspace, env)
  for (const path of new Set([...stagedBefore.keys(), ...staged.keys()])) {
    const before = stagedBefore.get(path) ?? null
    const after = staged.get(path) ?? null
    if (before === after || !(await guardedChange(workspace, env, path, before, after))) continue
    told.push((await setEntry(workspace, env, path, before)) ? `staged ${path}` : `staged ${path} (NOT put back: git refused; run "git restore --staged ${path}")`)
  }

  // Committed: a commit on top puts the guarded files back as they were at the old HEAD.
  if (now && now !== state.head) {
    const range = state.head ? [state.head, now] : ['--root', now]
    const changed = splitZ((await git(['diff-tree', '-r', '-z', '--no-renames', '--name-only', ...range], options(workspace, env))).stdout)
    const undo: Array<{path: string; entry: string | null}> = []
    for (const path of changed) {
      if (!neverCarried(path) && !/(^|\/)package\.json$/i.test(path)) continue
      const before = await entryIn(workspace, env, state.head, path)
      const after = await entryIn(workspace, env, now, path)
      if (before !== after && (await guardedChange(workspace, env, path, before, after))) undo.push({path, entry: before})
    }
    if (undo.length > 0) {
      const tmpIndex = join(workspace, '.git', `cto-guard-index-${process.pid}`)
      const extra = {GIT_INDEX_FILE: tmpIndex}
      await git(['read-tree', now], options(workspace, env, extra))
      for (const u of undo) await setEntry(workspace, env, u.path, u.entry, extra)
      const tree = (await git(['write-tree'], options(workspace, env, extra))).stdout.toString('utf8').trim()
      const message = `cto: put back ${undo.map((u) => u.path).join(', ')}\n\nA model committed changes to files the tools never write (they run code or configure cto, Claude Code or an editor); this commit puts them back as they were.`
      const identity = {GIT_AUTHOR_NAME: 'cto', GIT_AUTHOR_EMAIL: 'cto@cto.local', GIT_COMMITTER_NAME: 'cto', GIT_COMMITTER_EMAIL: 'cto@cto.local'}
      const commit = (await git(['commit-tree', tree, '-p', now], {...options(workspace, env, identity), input: message})).stdout.toString('utf8').trim()
      const moved = /^[0-9a-f]{40,64}$/.test(commit) && (await git(['update-ref', '-m', 'cto: put back guarded files', 'HEAD', commit, now], options(workspace, env))).code === 0
      const paths = undo.map((u) => u.path).join(', ')
      told.push(moved ? `committed ${paths} (put back by commit ${commit.slice(0, 12)} on top)` : `committed ${paths} (NOT put back: git refused; revert what ${now.slice(0, 12)} changed there before you check it out)`)
      await rm(tmpIndex, {force: true})
    }
  }
  return told
}
