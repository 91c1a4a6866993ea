/**
 * The task folder: `<data>/tasks/<task id>/`, one `attempt-<n>/` per attempt with what is kept of
 * it — `change.patch` (apply with `git apply`), `change.diff` (to read), `verify.log` (the
 * verification's full output) and `attempt.json` (model, verdict, files, verification). The copies
 * themselves are removed when their attempt ends. `findTaskDiffs` is what `cto logs --task ID
 * --diff` reads.
 */
import {readFile, readdir} from 'node:fs/promises'
import {join} from 'node:path'

import {CtoError} from '../errors.js'
import {dataDir} from '../paths.js'

export function tasksRoot(env: NodeJS.ProcessEnv = process.env): string {
  return join(dataDir(env), 'tasks')
}

export function taskFolder(taskId: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(tasksRoot(env), taskId)
}

export interface AttemptFiles {
  dir: string
  patch: string
  diff: string
  verifyLog: string
  meta: string
}

/** `step` counts from 0 (the first attempt is attempt-1). */
export function attemptFiles(taskDir: string, step: number): AttemptFiles {
  const dir = join(taskDir, `attempt-${step + 1}`)
  return {dir, patch: join(dir, 'change.patch'), diff: join(dir, 'change.diff'), verifyLog: join(dir, 'verify.log'), meta: join(dir, 'attempt.json')}
}

/** What attempt.json holds. */
export interface AttemptMeta {
  task_id: string
  attempt: number
  model: string
  /** The CTO's verdict: true, false, or null when not reviewed or the engine failed. */
  approved: boolean | null
  /** Whether the change reached the user's workspace (null: nothing to apply, or not approved). */
  applied: boolean | null
  files: Array<{path: string; status: string; added: number | null; removed: number | null}>
  lines_added: number
  lines_removed: number
  /** Changed files never carried over (cto's own config files). */
  dropped: string[]
  verification: {command: string; exit_code: number | null; passed: boolean; duration_ms: number; timed_out: boolean} | null
}

export interface TaskDiff extends AttemptMeta {
  patch: string | null
  diff: string | null
  verify_log: string | null
}

export interface TaskDiffs {
  task_id: string
  folder: string
  attempts: TaskDiff[]
}

async function exists(p: string): Promise<boolean> {
  return readFile(p).then(
    () => true,
    () => false,
  )
}

/**
 * The kept diffs of a task, by its id or a unique prefix of it. Throws a CtoError naming the fix
 * when no task or more than one matches.
 */
export async function findTaskDiffs(idOrPrefix: string, env: NodeJS.ProcessEnv = process.env): Promise<TaskDiffs> {
  const root = tasksRoot(env)
  const names = await readdir(root).catch(() => [] as string[])
  const matches = names.includes(idOrPrefix) ? [idOrPrefix] : names.filter((n) => n.startsWith(idOrPrefix))
  if (matches.length !== 1) {
    throw new CtoError({
      code: matches.length === 0 ? 'NO_SUCH_TASK' : 'AMBIGUOUS_TASK',
      message:
        matches.length === 0
          ? `No kept attempts for task "${idOrPrefix}" in ${root}.`
          : `"${idOrPrefix}" matches ${matches.length} tasks (${matches.slice(0, 5).join(', ')}${matches.length > 5 ? ', …' : ''}).`,
      actions: [matches.length === 0 ? 'Take the id from "cto task --json" (.id) or the task log; tasks run with --in-place keep no diffs.' : 'Give more of the id.'],
    })
  }
  const id = matches[0]!
  const folder = join(root, id)
  const attempts: TaskDiff[] = []
  const dirs = (await readdir(folder).catch(() => [] as string[]))
    .filter((n) => /^attempt-\d+$/.test(n))
    .sort((a, b) => Number(a.slice(8)) - Number(b.slice(8)))
  for (const d of dirs) {
    const files = attemptFiles(folder, Number(d.slice(8)) - 1)
    let meta: AttemptMeta
    try {
      meta = JSON.parse(await readFile(files.meta, 'utf8')) as AttemptMeta
    } catch {
      continue
    }
    attempts.push({
      ...meta,
      patch: (await exists(files.patch)) ? files.patch : null,
      diff: (await exists(files.diff)) ? files.diff : null,
      verify_log: (await exists(files.verifyLog)) ? files.verifyLog : null,
    })
  }
  return {task_id: id, folder, attempts}
}
