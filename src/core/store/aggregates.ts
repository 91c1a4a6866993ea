/**
 * The aggregates document: running totals per model, per model × task type and per day × budget
 * group, plus what the store needs to keep them exact (how many bytes of each raw segment are
 * counted, a window of recent tasks for distinct-task and escalation counting).
 *
 * The document is a pure fold over the raw lines in append order: `foldLine(doc, line)` for every
 * line of every segment gives the same document as the store builds incrementally, which is what
 * makes rebuilding it after corruption exact.
 */
import type {ModelGroup} from '../providers/spec.js'
import type {AttemptRecord, PerfStats} from './types.js'
import type {BaselineLine, StoreLine} from './store-line.js'

export const AGGREGATES_VERSION = 1

/**
 * How many recent task ids the document remembers. A task counts once per model (distinct tasks)
 * and an attempt at escalation step n marks the task's step n-1 attempt as escalated, as long as
 * all attempts of one task are recorded within this many tasks of each other. `cto task` records a
 * task's attempts as it runs them, so this holds unless thousands of tasks run in between.
 */
export const RECENT_TASK_WINDOW = 512

/** [escalation step, model, task type, 1 when already counted as escalated]. */
export type RecentAttempt = [number, string, string, 0 | 1]

export interface SegmentMeta {
  /** Bytes of the segment folded into this document. */
  bytes: number
  /** Lines folded (attempts and baselines). */
  lines: number
  /**
   * The last bytes counted (base64, up to TAIL_BYTES). Before folding lines appended after
   * `bytes`, the store checks the file still has these bytes there: a segment changed other than
   * by appending is rebuilt, not double counted.
   */
  tail?: string
  /** Smallest and largest attempt time in the segment (ISO), for `--since` scans. */
  min_time?: string
  max_time?: string
}

export interface AggregatesDoc {
  version: typeof AGGREGATES_VERSION
  models: Record<string, PerfStats>
  /** model → task type → stats. */
  model_types: Record<string, Record<string, PerfStats>>
  /** Local date (YYYY-MM-DD) → tokens (input + output) per budget group. */
  tokens_by_day: Record<string, Record<ModelGroup, number>>
  recent_tasks: {order: string[]; by_id: Record<string, RecentAttempt[]>}
  segments: Record<string, SegmentMeta>
  /** sha256 of every imported model_performance.json, so one file is not counted twice. */
  imports: string[]
  totals: {attempts: number; baselines: number}
}

export function emptyStats(): PerfStats {
  return {
    attempts: 0,
    successes: 0,
    quality_count: 0,
    quality_sum: 0,
    input_tokens: 0,
    output_tokens: 0,
    cost_usd: 0,
    duration_ms: 0,
    escalations: 0,
    tasks: 0,
  }
}

export function emptyAggregates(): AggregatesDoc {
  return {
    version: AGGREGATES_VERSION,
    models: {},
    model_types: {},
    tokens_by_day: {},
    recent_tasks: {order: [], by_id: {}},
    segments: {},
    imports: [],
    totals: {attempts: 0, baselines: 0},
  }
}

/** Local calendar date of a moment, `YYYY-MM-DD`. */
export function localDate(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

/** Approved when reviewed, else the engine's own success. */
export function isSuccessful(r: AttemptRecord): boolean {
  return r.approved === undefined ? r.success : r.approved
}

function statsIn(map: Record<string, PerfStats>, key: string): PerfStats {
  let s = map[key]
  if (!s) {
    s = emptyStats()
    map[key] = s
  }
  return s
}

function addAttempt(s: PerfStats, r: AttemptRecord, newTask: boolean): void {
  s.attempts += 1
  if (isSuccessful(r)) s.successes += 1
  if (r.quality !== undefined) {
    s.quality_count += 1
    s.quality_sum += r.quality
  }
  s.input_tokens += r.input_tokens
  s.output_tokens += r.output_tokens
  s.cost_usd += r.cost_usd
  s.duration_ms += r.duration_ms
  if (newTask) s.tasks += 1
  if (r.verify_passed !== undefined) {
    s.verify_runs = (s.verify_runs ?? 0) + 1
    if (r.verify_passed) s.verify_passes = (s.verify_passes ?? 0) + 1
  }
}

export function addStats(into: PerfStats, from: PerfStats): void {
  for (const k of new Set([...Object.keys(into), ...Object.keys(from)]) as Set<keyof PerfStats>) into[k] = (into[k] ?? 0) + (from[k] ?? 0)
}

export function foldAttempt(doc: AggregatesDoc, r: AttemptRecord): void {
  const {order, by_id: byId} = doc.recent_tasks
  let seen = byId[r.task_id]
  const newForModel = !seen?.some((a) => a[1] === r.model)
  const newForType = !seen?.some((a) => a[1] === r.model && a[2] === r.task_type)

  addAttempt(statsIn(doc.models, r.model), r, newForModel)
  const types = (doc.model_types[r.model] ??= {})
  addAttempt(statsIn(types, r.task_type), r, newForType)

  if (r.escalation_step > 0 && seen) {
    const prev = seen.find((a) => a[0] === r.escalation_step - 1 && a[3] === 0)
    if (prev) {
      prev[3] = 1
      statsIn(doc.models, prev[1]).escalations += 1
      statsIn((doc.model_types[prev[1]] ??= {}), prev[2]).escalations += 1
    }
  }

  if (!seen) {
    seen = []
    byId[r.task_id] = seen
    order.push(r.task_id)
    while (order.length > RECENT_TASK_WINDOW) delete byId[order.shift() as string]
  }
  seen.push([r.escalation_step, r.model, r.task_type, 0])

  const day = localDate(new Date(r.time))
  const tokens = (doc.tokens_by_day[day] ??= {claude: 0, external: 0})
  tokens[r.group] = (tokens[r.group] ?? 0) + r.input_tokens + r.output_tokens
  doc.totals.attempts += 1
}

export function foldBaseline(doc: AggregatesDoc, b: BaselineLine): void {
  if (b.task_type) addStats(statsIn((doc.model_types[b.model] ??= {}), b.task_type), b.stats)
  else addStats(statsIn(doc.models, b.model), b.stats)
  if (!doc.imports.includes(b.source_sha256)) doc.imports.push(b.source_sha256)
  doc.totals.baselines += 1
}

export function foldLine(doc: AggregatesDoc, line: StoreLine): void {
  if ('kind' in line) foldBaseline(doc, line)
  else foldAttempt(doc, line)
}

export const TAIL_BYTES = 32

/** Track a segment's extent after the lines in `chunk` (the bytes just appended or read) were folded. */
export function noteSegment(doc: AggregatesDoc, segment: string, chunk: Buffer, lines: StoreLine[]): void {
  const meta = (doc.segments[segment] ??= {bytes: 0, lines: 0})
  meta.bytes += chunk.length
  const prev = meta.tail ? Buffer.from(meta.tail, 'base64') : Buffer.alloc(0)
  meta.tail = Buffer.concat([prev, chunk.subarray(-TAIL_BYTES)]).subarray(-TAIL_BYTES).toString('base64')
  meta.lines += lines.length
  for (const line of lines) {
    if ('kind' in line) continue
    if (!meta.min_time || line.time < meta.min_time) meta.min_time = line.time
    if (!meta.max_time || line.time > meta.max_time) meta.max_time = line.time
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** A cheap shape check (no schema library, to keep `cto perf` start-up small). Returns a problem or undefined. */
export function checkAggregates(v: unknown): string | undefined {
  if (!isObject(v)) return 'not a JSON object'
  if (v.version !== AGGREGATES_VERSION) return `unknown version ${JSON.stringify(v.version)}`
  for (const key of ['models', 'model_types', 'tokens_by_day', 'segments', 'totals', 'recent_tasks'] as const) {
    if (!isObject(v[key])) return `"${key}" is missing or not an object`
  }
  const recent = v.recent_tasks as Record<string, unknown>
  if (!Array.isArray(recent.order) || !isObject(recent.by_id)) return '"recent_tasks" is malformed'
  if (!Array.isArray(v.imports)) return '"imports" is missing'
  for (const [name, s] of Object.entries(v.models as Record<string, unknown>)) {
    if (!isObject(s) || typeof s.attempts !== 'number') return `"models.${name}" is malformed`
  }
  for (const [name, s] of Object.entries(v.segments as Record<string, unknown>)) {
    if (!isObject(s) || typeof s.bytes !== 'number') return `"segments.${name}" is malformed`
  }
  return undefined
}
