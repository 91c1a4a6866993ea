/**
 * Where an attempt runs. A worker that can change files (tool workers, Claude Code) gets its own
 * copy of the workspace (src/core/workspace/attempt-workspace.ts) in the task's folder; a text-only
 * worker, a dry run, `--in-place` or `review.in_place` run in the user's folder as before. The task
 * loop sees only this interface, so tests drive it with fakes and `in place` is the default.
 */
import {writeFile} from 'node:fs/promises'

import type {ResolvedModel} from '../providers/resolve.js'
import {applyChange, type ApplyOutcome} from '../workspace/apply-change.js'
import {prepareAttemptWorkspace, type AttemptChange} from '../workspace/attempt-workspace.js'
import {findProject, type Project} from '../workspace/project.js'
import {attemptFiles, type AttemptFiles, type AttemptMeta} from '../workspace/task-folder.js'
import type {WorkerPlace} from './cto-prompts.js'
import type {VerificationOutcome} from './verification.js'

export interface AttemptPlace {
  placement: 'copy' | 'in-place'
  /** The folder the tools are confined to (the copy's workspace); undefined in place: the engine's own setting. */
  root?: string
  /** The worker's working folder. */
  cwd: string
  /** The copy of the project root (where the test command is looked for), in a copy. */
  projectRoot?: string
  /** Folders outside the copy commands in it read (borrowed git objects): the OS sandbox must let them be read. */
  readOnlyPaths: string[]
  /** The attempt's kept files, in a copy. */
  files?: AttemptFiles
  /** For the worker's prompt. */
  worker?: WorkerPlace
  notes: string[]
  /** What the worker changed (null in place). */
  collectChange(): Promise<AttemptChange | null>
  /** Applies the collected change to the user's workspace. */
  applyChange(): Promise<ApplyOutcome>
  /** Writes attempt.json and verify.log (in a copy). */
  keep(meta: AttemptMeta, verification: VerificationOutcome | null): Promise<void>
  dispose(): Promise<void>
}

export interface AttemptPlaces {
  prepare(step: number, model: ResolvedModel): Promise<AttemptPlace>
}

export function inPlace(workspace: string): AttemptPlace {
  return {
    placement: 'in-place',
    cwd: workspace,
    readOnlyPaths: [],
    notes: [],
    collectChange: async () => null,
    applyChange: async () => ({applied: true}),
    keep: async () => undefined,
    dispose: async () => undefined,
  }
}

export const inPlacePlaces = (workspace: string): AttemptPlaces => ({prepare: async () => inPlace(workspace)})

export interface AttemptCopiesSettings {
  /** The user's workspace (--workspace, else the current folder). */
  workspace: string
  /** The task's folder (`<data>/tasks/<id>`). */
  taskDir: string
  env: NodeJS.ProcessEnv
  copyIgnored: string[]
}

/** Copies for workers that can change files; text-only workers stay in place. */
export function createAttemptCopies(s: AttemptCopiesSettings): AttemptPlaces {
  let project: Promise<Project> | undefined
  return {
    async prepare(step, model) {
      if (model.engine === 'text') return inPlace(s.workspace)
      project ??= findProject(s.workspace, s.env)
      const p = await project
      const files = attemptFiles(s.taskDir, step)
      const ws = await prepareAttemptWorkspace({project: p, dir: files.dir, env: s.env, copyIgnored: s.copyIgnored})
      let change: AttemptChange | null = null
      return {
        placement: 'copy',
        root: ws.workspace,
        cwd: ws.workspace,
        projectRoot: ws.copyRoot,
        readOnlyPaths: ws.readOnlyPaths,
        files,
        worker: {copy: ws.workspace, original: s.workspace},
        notes: ws.notes,
        async collectChange() {
          change = await ws.collectChange()
          return change
        },
        async applyChange() {
          if (!change) throw new Error('applyChange() before collectChange()')
          return applyChange(p, change.patchFile, s.env)
        },
        async keep(meta, verification) {
          await writeFile(files.meta, `${JSON.stringify(meta, null, 2)}\n`, {mode: 0o600})
          if (verification?.ran) await writeFile(files.verifyLog, `$ ${verification.command}\n${verification.output}\n(exit code ${verification.exit_code ?? 'none'}${verification.timed_out ? ', time limit reached' : ''})\n`, {mode: 0o600})
        },
        dispose: () => ws.dispose(),
      }
    },
  }
}
