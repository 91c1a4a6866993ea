/**
 * The worst recent tasks: the newest attempts grouped by task, kept when the task ended blocked
 * (its last attempt failed or was rejected, so nothing was kept) or had an attempt rejected by the
 * CTO before one was approved. Blocked first, then more failed attempts, more cost, newer.
 * The store records attempts, not task outcomes: "blocked" here is read off the last recorded
 * attempt, so a task still running when the report is written can look blocked.
 */
import {userOf} from '../store/day-rollups.js'
import type {AttemptRecord} from '../store/types.js'
import type {WorstTask} from './report-types.js'

const ok = (r: AttemptRecord) => (r.approved === undefined ? r.success : r.approved)

/** A task id as one shell word (ids cto makes need no quotes; imported ones might). */
const shellWord = (s: string) => (/^[\w.:@%+=,/-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`)

/** Tasks among `newestFirst` (newest attempt first) that went badly, worst first, at most `limit`. */
export function worstTasks(newestFirst: readonly AttemptRecord[], opts: {limit: number; model?: string}): WorstTask[] {
  const byTask = new Map<string, AttemptRecord[]>()
  for (const r of newestFirst) {
    const list = byTask.get(r.task_id)
    if (list) list.push(r)
    else byTask.set(r.task_id, [r])
  }
  const found: Array<WorstTask & {failed: number}> = []
  for (const [taskId, list] of byTask) {
    const attempts = [...list].sort((a, b) => a.escalation_step - b.escalation_step || a.time.localeCompare(b.time))
    if (opts.model !== undefined && !attempts.some((a) => a.model === opts.model)) continue
    const last = attempts[attempts.length - 1]
    const rejected = attempts.some((a) => a.approved === false)
    const blocked = !ok(last)
    if (!blocked && !rejected) continue
    found.push({
      task_id: taskId,
      time: list[0].time,
      type: last.task_type,
      excerpt: last.task_excerpt,
      outcome: blocked ? 'blocked' : 'rejected',
      attempts: attempts.map((a) => ({model: a.model, ok: ok(a), quality: a.quality ?? null, error: a.error_class ?? null})),
      cost_usd: attempts.reduce((s, a) => s + a.cost_usd, 0),
      user: userOf(last) ?? null,
      command: `cto logs --task ${shellWord(taskId)}`,
      failed: attempts.filter((a) => !ok(a)).length,
    })
  }
  found.sort(
    (a, b) =>
      Number(b.outcome === 'blocked') - Number(a.outcome === 'blocked') ||
      b.failed - a.failed ||
      b.cost_usd - a.cost_usd ||
      b.time.localeCompare(a.time),
  )
  return found.slice(0, opts.limit).map(({failed: _failed, ...task}) => task)
}
