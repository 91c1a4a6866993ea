/**
 * One attempt's own copy of the workspace, and what the worker changed in it.
 *
 *   <task folder>/attempt-<n>/work/          the copy: the tools' root and the worker's cwd
 *   <task folder>/attempt-<n>/snapshot.git/  cto's private record of the copy (outside the tools' reach)
 *   <task folder>/attempt-<n>/change.patch   the change, `git apply`-able (kept)
 *   <task folder>/attempt-<n>/change.diff    the same for people, binary files as one line (kept)
 *
 * A git project is cloned with borrowed objects and the user's uncommitted work carried in
 * (git-copy.ts); any other folder is copied whole (after a size check). `dispose()` removes the copy
 * and the snapshot and keeps the patch. Nothing here writes to the user's workspace: applying an
 * approved change is apply-change.ts.
 */
import {chmod, mkdir, rm, stat, writeFile} from 'node:fs/promises'
import {execFile} from 'node:child_process'
import {join} from 'node:path'

import {CtoError} from '../errors.js'
import {COPY_LIMITS, copyFolderContents, measureFolder} from './copy-folder.js'
import {cloneGitProject, userIgnoreRules} from './git-copy.js'
import type {Project} from './project.js'
import {Snapshot, type SnapshotDiff} from './snapshot.js'

export interface AttemptWorkspaceSettings {
  project: Project
  /** The attempt's folder (created): the copy and the patch go in it. */
  dir: string
  env: NodeJS.ProcessEnv
  /** Ignored folders of a git project to copy all the same (relative to its root). */
  copyIgnored?: string[]
}

export interface AttemptChange extends SnapshotDiff {
  patchFile: string
  diffFile: string
}

export interface AttemptWorkspace {
  project: Project
  /** The copy of the project root. */
  copyRoot: string
  /** The copy of the user's workspace (the project root, or the folder inside it the user named). */
  workspace: string
  /** Folders outside the copy that commands in it read (the borrowed git objects); never written. */
  readOnlyPaths: string[]
  notes: string[]
  /** What the worker changed since the copy was made; writes change.patch and change.diff. */
  collectChange(): Promise<AttemptChange>
  /** Removes the copy and the snapshot; the patch and logs stay. Safe to call twice. */
  dispose(): Promise<void>
}

function chmodTree(dir: string): Promise<void> {
  return new Promise((resolve) => execFile('chmod', ['-R', 'u+rwX', dir], () => resolve()))
}

/** Removes a folder a worker may have left unwritable (read-only folders inside it). */
export async function removeTree(dir: string): Promise<void> {
  try {
    await rm(dir, {recursive: true, force: true, maxRetries: 2})
  } catch {
    await chmodTree(dir)
    await rm(dir, {recursive: true, force: true, maxRetries: 2})
  }
}

export async function prepareAttemptWorkspace(s: AttemptWorkspaceSettings): Promise<AttemptWorkspace> {
  const {project, env} = s
  await mkdir(s.dir, {recursive: true, mode: 0o700})
  const copyRoot = join(s.dir, 'work')
  const snapshotDir = join(s.dir, 'snapshot.git')
  const notes: string[] = []
  let readOnlyPaths: string[] = []
  let snapshot: Snapshot
  try {
    if (project.kind === 'git') {
      const copied = await cloneGitProject(project, copyRoot, env, s.copyIgnored ?? [])
      notes.push(...copied.notes)
      readOnlyPaths = copied.borrowed
      const rules = await userIgnoreRules(project, env)
      snapshot = await Snapshot.create({gitDir: snapshotDir, workTree: copyRoot, env, alternates: copied.borrowed, ...rules})
    } else {
      const size = await measureFolder(project.root)
      if (size.over) {
        throw new CtoError({
          code: 'WORKSPACE_TOO_BIG',
          message: `${project.root} is not a git repository, so each attempt would copy all of it, and it holds more than ${COPY_LIMITS.files.toLocaleString('en-US')} files or ${COPY_LIMITS.bytes / 1024 ** 3} GB.`,
          actions: [
            'Make it a git repository ("git init"): then only tracked and unignored files are copied.',
            'Or point --workspace at the project folder, or add --in-place to work in the folder directly.',
          ],
        })
      }
      await copyFolderContents(project.root, copyRoot)
      snapshot = await Snapshot.create({gitDir: snapshotDir, workTree: copyRoot, env})
    }
  } catch (error) {
    await removeTree(copyRoot)
    await removeTree(snapshotDir)
    throw error
  }
  const workspace = join(copyRoot, project.sub)
  if (!(await stat(workspace).catch(() => undefined))?.isDirectory()) {
    await removeTree(copyRoot)
    await removeTree(snapshotDir)
    throw new CtoError({
      code: 'WORKSPACE_NOT_IN_COPY',
      message: `The workspace ${join(project.root, project.sub)} is not part of what git tracks in ${project.root} (ignored, or empty), so an attempt's copy would not have it.`,
      actions: ['Point --workspace at the repository or a tracked folder, or add --in-place to work in the folder directly.'],
    })
  }
  const base = await snapshot.tree()
  let disposed = false

  return {
    project,
    copyRoot,
    workspace,
    readOnlyPaths,
    notes,
    async collectChange() {
      const final = await snapshot.tree()
      const diff = await snapshot.diff(base, final)
      const patchFile = join(s.dir, 'change.patch')
      const diffFile = join(s.dir, 'change.diff')
      await writeFile(patchFile, diff.patch, {mode: 0o600})
      await writeFile(diffFile, diff.text, {mode: 0o600})
      return {...diff, patchFile, diffFile}
    },
    async dispose() {
      if (disposed) return
      disposed = true
      // The copy may hold files a worker made read-only; the owner can always chmod them back.
      await chmod(copyRoot, 0o700).catch(() => undefined)
      await removeTree(copyRoot)
      await removeTree(snapshotDir)
    },
  }
}
