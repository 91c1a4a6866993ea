/**
 * Reading the task log (`<data>/logs/tasks.jsonl`, written by src/core/task/task-log.ts) back as
 * tasks: each task's lines (`task`, `classification`, `route`, `escalation`, `result`, …) grouped
 * by task id into one entry, newest first, reading from the end of the file only as far as needed.
 * An entry keeps every line of its task (`events`), so a command can show more of it later (the
 * attempts' diffs, say) without a new reader.
 */
import {access} from 'node:fs/promises'
import {linesFromEnd} from './reverse-lines.js'

export interface LogAttempt {
  model: string
  ok: boolean
  approved: boolean | null
  quality: number | null
  /** The reviewer's feedback; for an attempt not reviewed, why it was not applied (its tests failed). */
  feedback?: string | null
  cancelled?: boolean
  unavailable?: {code: string; reason: string} | null
  error?: {code: string; message: string} | null
  usage: {input_tokens: number; output_tokens: number}
  cost_usd: number
  duration_ms: number
  refused_tool_calls?: Array<{summary: string; reason?: string}>
}

export interface LogEntry {
  id: string
  /** When the task started (its first line). */
  time: string
  task: string
  /** completed, blocked, cancelled, conflict, planned (a dry run); failed when an error ended it (no model could take it); `incomplete` when the log has no result for it (a crash). */
  status: string
  /** Why it failed (status failed). */
  error: {code: string; message: string} | null
  /** The model whose answer it is: the last attempt's, else the route's choice. */
  model: string | null
  type: string | null
  complexity: string | null
  cto_model: string | null
  attempts: LogAttempt[]
  usage: {input_tokens: number; output_tokens: number}
  cost_usd: number
  duration_ms: number | null
  answer: string
  blocked_reason: string | null
  notes: string[]
  /** Every line the task wrote, oldest first. */
  events: Array<Record<string, unknown>>
}

export interface ReadLogOptions {
  /** The last N tasks (default 3). */
  limit?: number
  /** One task: its id or a prefix of it. */
  id?: string
}

type Line = Record<string, unknown> & {task_id?: string; event?: string; time?: string}

function entryFrom(id: string, events: Line[]): LogEntry {
  const start = events.find((e) => e.event === 'task') ?? events[0]
  const result = events.find((e) => e.event === 'result') as (Line & Record<string, never>) | undefined
  const route = events.find((e) => e.event === 'route') as Line | undefined
  const classification = (result?.classification ?? events.find((e) => e.event === 'classification')) as {type?: string; complexity?: string} | undefined
  const attempts = ((result?.attempts as LogAttempt[] | undefined) ?? []).map((a) => a)
  return {
    id,
    time: String(start?.time ?? ''),
    task: String(start?.task ?? result?.task ?? ''),
    status: result ? String(result.status) : 'incomplete',
    model: attempts.at(-1)?.model ?? (route?.selected as string | undefined) ?? null,
    type: classification?.type ?? null,
    complexity: classification?.complexity ?? null,
    cto_model: (start?.cto_model as string | undefined) ?? null,
    attempts,
    usage: (result?.usage as LogEntry['usage'] | undefined) ?? {input_tokens: 0, output_tokens: 0},
    cost_usd: Number(result?.cost_usd ?? 0),
    duration_ms: typeof result?.duration_ms === 'number' ? result.duration_ms : null,
    answer: typeof result?.output === 'string' ? result.output : '',
    blocked_reason: (result?.blocked_reason as string | null | undefined) ?? null,
    error: (result?.error as LogEntry['error'] | undefined) ?? null,
    notes: (result?.notes as string[] | undefined) ?? [],
    events,
  }
}

/** Tasks from the log, newest first. A missing log is no tasks; a torn line (a crash mid-write) is skipped. */
export async function readTaskLog(file: string, opts: ReadLogOptions = {}): Promise<LogEntry[]> {
  try {
    await access(file)
  } catch {
    return []
  }
  const limit = opts.id ? 1 : Math.max(0, opts.limit ?? 3)
  if (limit === 0) return []
  const byId = new Map<string, Line[]>()
  const order: string[] = []
  const complete: string[] = []
  for await (const text of linesFromEnd(file)) {
    let line: Line
    try {
      line = JSON.parse(text) as Line
    } catch {
      continue
    }
    const id = line.task_id
    if (typeof id !== 'string') continue
    if (opts.id && !id.startsWith(opts.id)) continue
    if (!byId.has(id)) {
      byId.set(id, [])
      order.push(id)
    }
    ;(byId.get(id) as Line[]).unshift(line)
    // A task's first line is `task`: read backwards, seeing it means the task is whole.
    if (line.event === 'task') {
      complete.push(id)
      if (complete.length >= limit) break
    }
  }
  const ids = order.filter((id) => complete.includes(id) || !opts.id).slice(0, limit)
  return ids.map((id) => entryFrom(id, byId.get(id) as Line[]))
}
