/**
 * Which folder an attempt copies: the git repository the workspace is in (its top level), else
 * the workspace folder itself. A home folder, the file-system root or a folder above the home
 * folder is never copied: that is a misplaced workspace, and the error says how to point it.
 */
import {realpathSync} from 'node:fs'
import {relative, resolve, sep} from 'node:path'

import {CtoError} from '../errors.js'
import {homeDir} from '../paths.js'
import {git, gitMissing} from './git.js'

export interface GitProject {
  kind: 'git'
  /** The repository's top level (real path). */
  root: string
  /** The shared git directory (`git rev-parse --git-common-dir`): objects, info/exclude. */
  commonDir: string
  /** HEAD's commit, or null in a repository without commits. */
  head: string | null
  /** The branch HEAD is on, or null when detached. */
  branch: string | null
  /** The workspace, relative to root ('' when it is the root). */
  sub: string
}

export interface PlainProject {
  kind: 'plain'
  root: string
  sub: ''
}

export type Project = GitProject | PlainProject

function real(p: string): string {
  try {
    return realpathSync.native(p)
  } catch {
    return resolve(p)
  }
}

const isAncestorOrSame = (a: string, b: string) => {
  const r = relative(a, b)
  return r === '' || (!r.startsWith('..') && !r.startsWith(sep) && r !== '..')
}

export async function findProject(workspace: string, env: NodeJS.ProcessEnv): Promise<Project> {
  const ws = real(workspace)
  const probe = await git(['rev-parse', '--path-format=absolute', '--show-toplevel', '--git-common-dir'], {cwd: ws, env, trust: 'trusted'})
  if (probe.code === 127) throw gitMissing()
  let project: Project
  if (probe.code === 0) {
    const [top, common] = probe.stdout.toString('utf8').trim().split('\n')
    const root = real(top!)
    const head = await git(['rev-parse', '--verify', '-q', 'HEAD^{commit}'], {cwd: root, env, trust: 'trusted'})
    const branch = await git(['symbolic-ref', '-q', '--short', 'HEAD'], {cwd: root, env, trust: 'trusted'})
    project = {
      kind: 'git',
      root,
      commonDir: real(common!),
      head: head.code === 0 ? head.stdout.toString('utf8').trim() : null,
      branch: branch.code === 0 ? branch.stdout.toString('utf8').trim() : null,
      sub: relative(root, ws),
    }
  } else if (/not a git repository/i.test(probe.stderr)) {
    project = {kind: 'plain', root: ws, sub: ''}
  } else {
    throw new CtoError({
      code: 'GIT_FAILED',
      message: `Could not tell whether ${ws} is in a git repository: ${probe.stderr.trim()}`,
      actions: ['Fix the repository (or its permissions), or run "cto task --in-place …" to work in the folder directly.'],
    })
  }
  const home = real(homeDir(env))
  // A home folder kept in git (dotfiles) is no project: the workspace folder inside it is.
  if (project.kind === 'git' && isAncestorOrSame(project.root, home) && !isAncestorOrSame(ws, home)) project = {kind: 'plain', root: ws, sub: ''}
  if (isAncestorOrSame(project.root, home) || project.root === sep) {
    const what = project.root === home ? 'your home folder' : project.root === sep ? 'the file-system root' : `${project.root}, which holds your home folder`
    throw new CtoError({
      code: 'WORKSPACE_TOO_BROAD',
      message: `cto task runs each attempt in a copy of the project, and the project here would be ${what}.`,
      actions: ['Run cto task inside a project folder, or name one with --workspace DIR.', 'Or add --in-place to let the worker act in the folder directly (no copy, no diff, no verification).'],
    })
  }
  return project
}
