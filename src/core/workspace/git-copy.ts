/**
 * The copy of a git project for one attempt: a local clone that borrows the user's objects
 * (`git clone --shared`: alternates, read-only — git never writes to an alternate), so everything
 * a command in the copy may write (index, refs, new objects, config) lives inside the copy, and
 * nothing of the user's `.git` needs to be writable. Why not `git worktree`: a linked worktree keeps
 * its index, HEAD and refs under the main repository's `.git/worktrees/`, which a sandboxed
 * `git add` or `git commit` could not write (and which must not be made writable). Why not hard
 * links (`git clone --local`): a hard-linked object file is the user's file, and a command
 * rewriting it in place would change the user's repository.
 *
 * The user's uncommitted work is carried in exactly: HEAD checked out on the same branch name, the
 * staged changes applied to the copy's index, then every file whose working-tree content differs
 * from HEAD and every untracked, unignored file copied byte for byte (deletions too). The user's
 * repository is only read (GIT_OPTIONAL_LOCKS=0: not even its index's stat cache is rewritten).
 * Ignored files are not copied, except the folders named in `review.copy_ignored` (node_modules by
 * default: tests need their dependencies).
 */
import {chmod, copyFile, lstat, mkdir, readFile, readlink, rm, symlink} from 'node:fs/promises'
import {existsSync} from 'node:fs'
import {dirname, isAbsolute, join, resolve} from 'node:path'

import {homeDir} from '../paths.js'
import {copyEntry} from './copy-folder.js'
import {git, gitOk, splitZ, type GitOptions} from './git.js'
import type {GitProject} from './project.js'

export interface GitCopyResult {
  /** Object folders the copy reads but never writes (the user's, and what they borrow in turn). */
  borrowed: string[]
  /** Things worth telling the user (staged state that could not be reproduced, ...). */
  notes: string[]
}

async function copyOne(src: string, dst: string): Promise<void> {
  const st = await lstat(src).catch(() => undefined)
  await rm(dst, {recursive: true, force: true})
  if (!st) return
  await mkdir(dirname(dst), {recursive: true})
  if (st.isSymbolicLink()) await symlink(await readlink(src), dst)
  else if (st.isFile()) {
    await copyFile(src, dst)
    await chmod(dst, st.mode & 0o7777)
  }
  // A folder here is a submodule (or a nested repository): not carried in.
}

async function inBatches<T>(items: T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn))
}

/** The object folders a repository borrows from (its `objects/info/alternates`), resolved. */
async function alternatesOf(objects: string): Promise<string[]> {
  const text = await readFile(join(objects, 'info', 'alternates'), 'utf8').catch(() => '')
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => (isAbsolute(l) ? l : resolve(objects, l)))
}

export async function cloneGitProject(project: GitProject, copyRoot: string, env: NodeJS.ProcessEnv, copyIgnored: string[]): Promise<GitCopyResult> {
  const notes: string[] = []
  const user: GitOptions = {cwd: project.root, env, trust: 'trusted'}
  // The copy's config is what clone wrote: safe to use until a worker has run in it. Hooks off all the same.
  const copy: GitOptions = {cwd: copyRoot, env, trust: 'trusted'}
  const noHooks = ['-c', 'core.hooksPath=/dev/null']
  await mkdir(dirname(copyRoot), {recursive: true})
  await gitOk([...noHooks, 'clone', '--quiet', '--shared', '--no-checkout', '--template=', '--', project.root, copyRoot], {...user, cwd: dirname(copyRoot)}, 'copy the repository for the attempt')
  await gitOk(['remote', 'remove', 'origin'], copy, 'copy the repository for the attempt')
  if (project.head) {
    const to = project.branch ? ['--no-track', '-B', project.branch, project.head] : ['--detach', project.head]
    await gitOk([...noHooks, 'checkout', '--quiet', ...to], {...copy, extraEnv: {GIT_LFS_SKIP_SMUDGE: '1'}}, 'check out HEAD in the attempt copy')
  } else if (project.branch) {
    await gitOk(['symbolic-ref', 'HEAD', `refs/heads/${project.branch}`], copy, 'set up the attempt copy')
  }

  // Staged changes: the same index as the user's.
  const staged = await gitOk(['diff', '--cached', '--binary', '--full-index', '--no-color', '--no-ext-diff', '--no-textconv', '--no-renames'], user, 'read your staged changes')
  if (staged.stdout.length > 0) {
    const applied = await git([...noHooks, 'apply', '--cached', '--binary', '--whitespace=nowarn', '-'], {...copy, input: staged.stdout})
    if (applied.code !== 0) notes.push(`Your staged changes could not be reproduced in the attempt's index (${applied.stderr.trim().split('\n')[0]}); the worker sees them as unstaged changes.`)
  }

  // Working-tree content: every path that differs from HEAD, and every untracked, unignored file.
  const changed = project.head
    ? splitZ((await gitOk(['diff', '--name-only', '-z', '--no-renames', '--no-ext-diff', 'HEAD', '--'], user, 'list your uncommitted changes')).stdout)
    : splitZ((await gitOk(['ls-files', '-z', '--cached'], user, 'list your files')).stdout)
  const untracked = splitZ((await gitOk(['ls-files', '-z', '--others', '--exclude-standard'], user, 'list your untracked files')).stdout)
  await inBatches([...new Set([...changed, ...untracked])], 32, (p) => copyOne(join(project.root, p), join(copyRoot, p)))
  // Fresh stat data, so `git status` in the copy is quick and shows what the user's shows (exit 1 = some files differ: expected).
  await git(['update-index', '-q', '--refresh'], copy)

  for (const rel of copyIgnored) {
    const src = join(project.root, rel)
    const dst = join(copyRoot, rel)
    if (existsSync(src) && !existsSync(dst)) await copyEntry(src, dst)
  }

  const objects = join(project.commonDir, 'objects')
  return {borrowed: [objects, ...(await alternatesOf(objects))], notes}
}

/** The user's ignore rules, for the snapshot: `.git/info/exclude` and the global excludes file. */
export async function userIgnoreRules(project: GitProject, env: NodeJS.ProcessEnv): Promise<{exclude?: Buffer; excludesFile: string | null; fileMode: boolean}> {
  const user: GitOptions = {cwd: project.root, env, trust: 'trusted'}
  const exclude = await readFile(join(project.commonDir, 'info', 'exclude')).catch(() => undefined)
  // One read of both settings: "key\nvalue" entries, NUL-separated, keys in lower case.
  const found = new Map(
    splitZ((await git(['config', '-z', '--type=path', '--get-regexp', '^core\\.(excludesfile|filemode)$'], user)).stdout).map((e) => {
      const nl = e.indexOf('\n')
      return [e.slice(0, nl), e.slice(nl + 1)] as [string, string]
    }),
  )
  let excludesFile: string | null = found.get('core.excludesfile') || null
  if (!excludesFile) {
    const xdg = env.XDG_CONFIG_HOME || join(homeDir(env), '.config')
    const fallback = join(xdg, 'git', 'ignore')
    excludesFile = existsSync(fallback) ? fallback : null
  }
  const fileMode = found.get('core.filemode')
  return {exclude, excludesFile, fileMode: fileMode === undefined ? true : fileMode !== 'false'}
}
