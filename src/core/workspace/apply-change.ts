/**
 * Applying an approved attempt's change to the user's workspace, as a patch: checked first
 * (`git apply --check`), then applied all or nothing (`git apply` never writes half a patch).
 * Only the working tree is touched — never the user's index, never a commit — so the user's own
 * staged and unstaged work stays as it was. When the user's files changed meanwhile so that the
 * patch no longer fits, nothing is written and the caller is told why; the patch stays where it is.
 */
import {stat} from 'node:fs/promises'
import {dirname} from 'node:path'

import {git, gitMissing} from './git.js'
import type {Project} from './project.js'

export type ApplyOutcome = {applied: true} | {applied: false; reason: string}

export async function applyChange(project: Project, patchFile: string, env: NodeJS.ProcessEnv): Promise<ApplyOutcome> {
  if (((await stat(patchFile).catch(() => undefined))?.size ?? 0) === 0) return {applied: true}
  // Outside a repository git apply works like patch(1); the ceiling keeps it from finding a repository above.
  const extraEnv: Record<string, string> = project.kind === 'plain' ? {GIT_CEILING_DIRECTORIES: dirname(project.root)} : {}
  const opts = {cwd: project.root, env, trust: 'trusted' as const, extraEnv}
  const args = ['apply', '--binary', '--whitespace=nowarn']
  const check = await git([...args, '--check', patchFile], opts)
  if (check.code === 127) throw gitMissing()
  if (check.code !== 0) return {applied: false, reason: firstProblems(check.stderr)}
  const done = await git([...args, patchFile], opts)
  if (done.code !== 0) return {applied: false, reason: firstProblems(done.stderr)}
  return {applied: true}
}

function firstProblems(stderr: string): string {
  const lines = stderr
    .trim()
    .split('\n')
    .map((l) => l.replace(/^error:\s*/, ''))
    .filter(Boolean)
  return lines.slice(0, 4).join('; ') || 'git apply refused the patch'
}
