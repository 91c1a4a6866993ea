/**
 * The totals: running sums per model, per model × task type and per day × budget group, plus what
 * the fold needs to stay exact (a window of recent tasks for distinct-task and escalation
 * counting, the imported model_performance.json files).
 *
 * The document is a pure fold over the raw lines in append order: `foldLine(doc, line)` for every
 * line of every segment gives the same document as the store builds incrementally, which is what
 * makes a rebuild after damage exact. The replay's in-memory store folds with the same code.
 *
 * `tokens_by_day` only answers "tokens used today" (budgets), so the file store keeps the last
 * TOKEN_DAYS_KEPT days of it (pruneTokenDays): the totals are rewritten on every record, and a
 * map that grows by a day forever would make each write slower. Per-day history for reports
 * lives in the day rollups (day-rollups.ts), which are written once per sealed segment.
 */
import type {CascadeStateJson} from '../router/cascade-stats.js'
import type {ModelGroup} from '../providers/spec.js'
import type {AttemptRecord, PerfStats} from './types.js'
import type {BaselineLine, StoreLine} from './store-line.js'

export const AGGREGATES_VERSION = 2

/**
 * How many recent task ids the document remembers. A task counts once per model (distinct tasks)
 * and an attempt at escalation step n marks the task's step n-1 attempt as escalated, as long as
 * all attempts of one task are recorded within this many tasks of each other. `cto task` records a
 * task's attempts as it runs them, so this holds unless hundreds of tasks finish in between. (128
 * was tried to shrink the state file, which the window dominates — 44 of 46 KB — but 20 processes
 * recording at once, with the lock's unfair wake-ups, put more than 128 tasks between one
 * process's two attempts: test/store/concurrency.test.ts then miscounted escalations.)
 */
export const RECENT_TASK_WINDOW = 512

/** [escalation step, model, task type, 1 when already counted as escalated]. */
export type RecentAttempt = [number, string, string, 0 | 1]

/**
 * Where tasks went, for `cto perf report` (issue 17): per task type, the model each task was
 * first given to, and each escalation as failed model → next model. Pairs, not whole chains, so
 * its size is bounded by types × models² (~60 entries in practice, a few KB of the state).
 * Imported model_performance.json totals have no such detail and are not in it. A state written
 * before this field existed counts from its next record on (`routes` starts empty).
 */
export interface RoutesDoc {
  /** task type → model → attempts at escalation step 0 (tasks it served first). */
  first: Record<string, Record<string, number>>
  /** task type → failed model → model tried next → escalations. */
  escalations: Record<string, Record<string, Record<string, number>>>
}

export interface AggregatesDoc {
  version: typeof AGGREGATES_VERSION
  models: Record<string, PerfStats>
  /** model → task type → stats. */
  model_types: Record<string, Record<string, PerfStats>>
  /** Local date (YYYY-MM-DD) → tokens (input + output) per budget group. */
  tokens_by_day: Record<string, Record<ModelGroup, number>>
  recent_tasks: {order: string[]; by_id: Record<string, RecentAttempt[]>}
  /** sha256 of every imported model_performance.json, so one file is not counted twice. */
  imports: string[]
  totals: {attempts: number; baselines: number}
  /**
   * What the router learned about cascades (src/core/router/cascade-stats.ts): how each model does
   * per task type as a first attempt and after which models failed, and the hashed-feature text
   * model. A fold over the same attempts, kept and committed with the totals (write-session.ts).
   */
  cascade?: CascadeStateJson
  /** Optional: states written before it have none (see RoutesDoc). */
  routes?: RoutesDoc
}

/** The models that failed on a record's task before it, from the record or the recent-task window. */
export function failedBefore(doc: AggregatesDoc, r: AttemptRecord): string[] {
  if (r.failed_before) return r.failed_before
  if (r.escalation_step === 0) return []
  const seen = doc.recent_tasks.by_id[r.task_id] ?? []
  return seen
    .filter((a) => a[0] < r.escalation_step)
    .sort((a, b) => a[0] - b[0])
    .map((a) => a[1])
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
    imports: [],
    totals: {attempts: 0, baselines: 0},
    routes: {first: {}, escalations: {}},
  }
}

/** Local calendar date of a moment, `YYYY-MM-DD`. */
export function localDate(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

let cachedMinute = ''
let cachedDay = ''

/** localDate of an ISO time, remembered per UTC minute (every zone offset is whole minutes): folds meet runs of equal minutes. */
function dayOf(time: string): string {
  if (time.length !== 24 || !time.endsWith('Z')) return localDate(new Date(time))
  const minute = time.slice(0, 16)
  if (minute !== cachedMinute) {
    cachedDay = localDate(new Date(time))
    cachedMinute = minute
  }
  return cachedDay
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
  // Plain loops, no closures: `cto perf --since` runs this ~9,000 times in a new process, mostly
  // before V8 optimises it, where each callback and iterator costs.
  let newForModel = true
  let newForType = true
  if (seen) {
    for (let i = 0; i < seen.length; i++) {
      const a = seen[i]
      if (a[1] !== r.model) continue
      newForModel = false
      if (a[2] === r.task_type) {
        newForType = false
        break
      }
    }
  }

  addAttempt(statsIn(doc.models, r.model), r, newForModel)
  const types = (doc.model_types[r.model] ??= {})
  addAttempt(statsIn(types, r.task_type), r, newForType)

  const routes = (doc.routes ??= {first: {}, escalations: {}})
  if (r.escalation_step === 0) {
    const first = (routes.first[r.task_type] ??= {})
    first[r.model] = (first[r.model] ?? 0) + 1
  }
  if (r.escalation_step > 0 && seen) {
    let prev: RecentAttempt | undefined
    for (let i = 0; i < seen.length; i++) {
      if (seen[i][0] === r.escalation_step - 1 && seen[i][3] === 0) {
        prev = seen[i]
        break
      }
    }
    if (prev) {
      prev[3] = 1
      statsIn(doc.models, prev[1]).escalations += 1
      statsIn((doc.model_types[prev[1]] ??= {}), prev[2]).escalations += 1
      const to = ((routes.escalations[r.task_type] ??= {})[prev[1]] ??= {})
      to[r.model] = (to[r.model] ?? 0) + 1
    }
  }

  if (!seen) {
    seen = []
    byId[r.task_id] = seen
    order.push(r.task_id)
    while (order.length > RECENT_TASK_WINDOW) delete byId[order.shift() as string]
  }
  seen.push([r.escalation_step, r.model, r.task_type, 0])

  const day = dayOf(r.time)
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

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** A cheap shape check (no schema library, to keep `cto perf` start-up small). Returns a problem or undefined. */
export function checkAggregates(v: unknown): string | undefined {
  if (!isObject(v)) return 'not a JSON object'
  if (v.version !== AGGREGATES_VERSION) return `unknown version ${JSON.stringify(v.version)}`
  for (const key of ['models', 'model_types', 'tokens_by_day', 'totals', 'recent_tasks'] as const) {
    if (!isObject(v[key])) return `"${key}" is missing or not an object`
  }
  const recent = v.recent_tasks as Record<string, unknown>
  if (!Array.isArray(recent.order) || !isObject(recent.by_id)) return '"recent_tasks" is malformed'
  if (!Array.isArray(v.imports)) return '"imports" is missing'
  for (const [name, s] of Object.entries(v.models as Record<string, unknown>)) {
    if (!isObject(s) || typeof s.attempts !== 'number') return `"models.${name}" is malformed`
  }
  return undefined
}

/** Days of `tokens_by_day` kept by the file store: enough for "today" under any sane clock. */
export const TOKEN_DAYS_KEPT = 31

/** Keep the newest TOKEN_DAYS_KEPT dates of `tokens_by_day`. */
export function pruneTokenDays(doc: AggregatesDoc): void {
  const days = Object.keys(doc.tokens_by_day)
  if (days.length <= TOKEN_DAYS_KEPT) return
  days.sort()
  for (const day of days.slice(0, days.length - TOKEN_DAYS_KEPT)) delete doc.tokens_by_day[day]
}

/**
 * Every number in the totals is finite. A fold that overflowed (an import of `cost_usd: 1e308`
 * twice once made every `cto perf` crash) is refused before it is saved. Returns the first bad path.
 */
export function nonFiniteTotal(doc: AggregatesDoc): string | undefined {
  const check = (path: string, s: PerfStats): string | undefined => {
    for (const [k, v] of Object.entries(s)) if (!Number.isFinite(v)) return `${path}.${k}`
    return undefined
  }
  for (const [m, s] of Object.entries(doc.models)) {
    const bad = check(`models.${m}`, s)
    if (bad) return bad
  }
  for (const [m, types] of Object.entries(doc.model_types)) {
    for (const [t, s] of Object.entries(types)) {
      const bad = check(`model_types.${m}.${t}`, s)
      if (bad) return bad
    }
  }
  for (const [d, g] of Object.entries(doc.tokens_by_day)) {
    if (!Number.isFinite(g.claude) || !Number.isFinite(g.external)) return `tokens_by_day.${d}`
  }
  return undefined
}
