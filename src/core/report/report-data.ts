/**
 * From what the store answers (day rollups, the breakdown per model × task type, the newest
 * attempts) to the report's JSON (report-types.ts). Pure: no I/O, no clock but `now`.
 *
 * What each filter can apply to, and what the page says when it cannot:
 * - `--since`: the per-day charts start on its local date (whole days); the heatmap, the routes
 *   and the totals come from the raw attempts since then (the breakdown's `since`), like `cto perf --since`.
 * - `--type`: everything but the per-day charts, which come from rollups kept per model, not
 *   per task type (a note says so).
 * - `--model`: its series, its heatmap row, escalations into or out of it, its share of first
 *   attempts, tasks it took part in. Tokens per budget group stay whole: budgets are per group.
 * - `--by user`: the cost stacks by member when the records name one; otherwise one series and a note.
 */
import {localDate} from '../store/aggregates.js'
import {TASK_TYPES, type TaskType} from '../providers/spec.js'
import type {AttemptRecord, DayModelRollup, DayRollup, PerfBreakdown, PerfStats, StoreHealth} from '../store/types.js'
import {REPORT_FORMAT, type CostView, type QualityCell, type QualityView, type ReportBy, type ReportData, type RoutesView} from './report-types.js'
import {worstTasks} from './worst-tasks.js'

export interface ReportInputs {
  store: string
  health: StoreHealth
  /** Attempts and imported totals in the whole store (empty when both are 0). */
  info: {attempts: number; baselines: number}
  days: Record<string, DayRollup>
  breakdown: PerfBreakdown
  /** The newest attempts, newest first, and how many were asked for. */
  latest: AttemptRecord[]
  latestLimit: number
}

export interface ReportOptions {
  since?: Date
  type?: TaskType
  model?: string
  by: ReportBy
  budgets: {claude: number; external: number; enforced: boolean}
  now: Date
  /** Rows in the worst-tasks table (default 20). */
  worstLimit?: number
  /** Heatmap cells with fewer attempts are marked (default 10). */
  littleEvidence?: number
}

export const FILL_HINTS = [
  'cto task "add a --dry-run flag to the deploy script"   (every task records its attempts)',
  'cto perf import ~/clautonomous/linux/config/model_performance.json   (the original system)',
  'cto perf import FILE.jsonl|FILE.csv   (a "cto perf export" from another machine)',
]

const NO_USER = 'everyone (records name no member)'

/** Six significant digits: cents of a cent are kept, float noise is not shipped. */
const round = (v: number) => (v === 0 ? 0 : Number(v.toPrecision(6)))
const ratio = (n: number, d: number) => (d > 0 ? Math.round((n / d) * 10_000) / 10_000 : null)

/** Every local date from `first` to `last`, both included. */
function dateRange(first: string, last: string): string[] {
  const out: string[] = []
  const [y, m, d] = first.split('-').map(Number)
  for (let day = new Date(y, m - 1, d, 12); out.length < 100_000; day.setDate(day.getDate() + 1)) {
    const s = localDate(day)
    if (s > last) break
    out.push(s)
  }
  return out
}

function costView(days: Record<string, DayRollup>, opts: ReportOptions): {view: CostView; notes: string[]} {
  const notes: string[] = []
  const from = opts.since ? localDate(opts.since) : ''
  const present = Object.keys(days)
    .filter((d) => d >= from)
    .sort()
  const dates = present.length === 0 ? [] : dateRange(present[0], present[present.length - 1])
  const index = new Map(dates.map((d, i) => [d, i]))
  const named = opts.by === 'user' && present.some((d) => days[d].users !== undefined)
  if (opts.by === 'user' && !named) {
    notes.push('These records name no member (the local store records none), so the cost is one series. With the team store (PostgreSQL) each record names who ran it, and --by user stacks the cost by member.')
  }
  const series = new Map<string, {name: string; cost: number[]; total_usd: number; attempts: number}>()
  const add = (name: string, date: string, r: DayModelRollup) => {
    let s = series.get(name)
    if (!s) {
      s = {name, cost: new Array<number>(dates.length).fill(0), total_usd: 0, attempts: 0}
      series.set(name, s)
    }
    s.cost[index.get(date) as number] += r.cost_usd
    s.total_usd += r.cost_usd
    s.attempts += r.attempts
  }
  const groups = (['claude', 'external'] as const).map((group) => ({group, tokens: new Array<number>(dates.length).fill(0), budget: opts.budgets[group], enforced: opts.budgets.enforced}))
  for (const date of present) {
    const day = days[date]
    const i = index.get(date) as number
    groups[0].tokens[i] = day.groups.claude
    groups[1].tokens[i] = day.groups.external
    for (const [model, r] of Object.entries(day.models)) {
      if (opts.model !== undefined && model !== opts.model) continue
      if (opts.by === 'model') add(model, date, r)
      else if (!named) add(NO_USER, date, r)
    }
    if (named && opts.model === undefined) for (const [user, r] of Object.entries(day.users ?? {})) add(user, date, r)
  }
  if (named && opts.model !== undefined) notes.push('With --model, the cost by member is not split (members are summed per day, not per model): showing the model instead.')
  if (named && opts.model !== undefined) for (const date of present) if (days[date].models[opts.model]) add(opts.model, date, days[date].models[opts.model])
  const list = [...series.values()].sort((a, b) => b.total_usd - a.total_usd || a.name.localeCompare(b.name))
  for (const s of list) {
    s.cost = s.cost.map(round)
    s.total_usd = round(s.total_usd)
  }
  return {view: {by: opts.by, dates, series: list, groups}, notes}
}

function statsFor(b: PerfBreakdown, model: string, type: string): PerfStats | undefined {
  const s = b.by_model_type[model]?.[type]
  return s && s.attempts > 0 ? s : undefined
}

function qualityView(b: PerfBreakdown, opts: ReportOptions, littleEvidence: number): QualityView {
  const models = Object.keys(b.by_model_type).filter((m) => opts.model === undefined || m === opts.model)
  const cols = TASK_TYPES.filter((t) => (opts.type === undefined || t === opts.type) && models.some((m) => statsFor(b, m, t)))
  const attemptsOf = (m: string) => cols.reduce((n, t) => n + (statsFor(b, m, t)?.attempts ?? 0), 0)
  const rows = models.filter((m) => attemptsOf(m) > 0).sort((x, y) => attemptsOf(y) - attemptsOf(x) || x.localeCompare(y))
  const cells: QualityCell[] = []
  for (const [r, model] of rows.entries()) {
    for (const [c, type] of cols.entries()) {
      const s = statsFor(b, model, type)
      if (!s) continue
      cells.push([r, c, s.attempts, ratio(s.successes, s.attempts), s.quality_count > 0 ? Math.round((s.quality_sum / s.quality_count) * 100) / 100 : null, s.quality_count])
    }
  }
  return {rows, cols: [...cols], cells, little_evidence: littleEvidence}
}

function routesView(b: PerfBreakdown, opts: ReportOptions): RoutesView {
  const types = Object.keys({...b.first_served, ...b.escalations}).filter((t) => opts.type === undefined || t === opts.type)
  const pairs = new Map<string, {from: string; to: string; count: number}>()
  const first = new Map<string, number>()
  for (const type of types) {
    for (const [from, tos] of Object.entries(b.escalations[type] ?? {})) {
      for (const [to, count] of Object.entries(tos)) {
        if (opts.model !== undefined && from !== opts.model && to !== opts.model) continue
        const key = JSON.stringify([from, to])
        const p = pairs.get(key) ?? {from, to, count: 0}
        p.count += count
        pairs.set(key, p)
      }
    }
    for (const [model, n] of Object.entries(b.first_served[type] ?? {})) {
      const name = opts.model === undefined || model === opts.model ? model : 'other models'
      first.set(name, (first.get(name) ?? 0) + n)
    }
  }
  const total = [...first.values()].reduce((a, n) => a + n, 0)
  return {
    escalations: [...pairs.values()].sort((a, b) => b.count - a.count || a.from.localeCompare(b.from) || a.to.localeCompare(b.to)),
    first_served: [...first.entries()]
      .map(([model, tasks]) => ({model, tasks, share: ratio(tasks, total) ?? 0}))
      .sort((a, b) => b.tasks - a.tasks || a.model.localeCompare(b.model)),
  }
}

export function buildReportData(inputs: ReportInputs, opts: ReportOptions): ReportData {
  const notes: string[] = inputs.health.problems.map((p) => `The totals may be stale: ${p}`)
  const {view: cost, notes: costNotes} = costView(inputs.days, opts)
  notes.push(...costNotes)
  const quality = qualityView(inputs.breakdown, opts, opts.littleEvidence ?? 10)
  const routes = routesView(inputs.breakdown, opts)
  const worst = {window: inputs.latestLimit, read: inputs.latest.length, tasks: worstTasks(inputs.latest, {limit: opts.worstLimit ?? 20, model: opts.model})}

  let attempts = 0
  let costUsd = 0
  let tokens = 0
  for (const model of quality.rows) {
    for (const type of quality.cols) {
      const s = statsFor(inputs.breakdown, model, type)
      if (!s) continue
      attempts += s.attempts
      costUsd += s.cost_usd
      tokens += s.input_tokens + s.output_tokens
    }
  }
  const empty = inputs.info.attempts === 0 && inputs.info.baselines === 0
  if (!empty) {
    if (opts.type !== undefined && cost.dates.length > 0) notes.push(`Cost per day and tokens per group are for every task type, not only ${opts.type}: the per-day totals are kept per model, not per task type.`)
    if (inputs.info.baselines > 0 && inputs.breakdown.source === 'aggregates') {
      notes.push('Imported totals (model_performance.json) count in the heatmap and the totals; they have no dates and no escalation targets, so the per-day charts and the routes leave them out.')
    }
    if (inputs.info.attempts > 0 && inputs.breakdown.source === 'aggregates' && Object.keys(inputs.breakdown.first_served).length === 0 && Object.keys(inputs.breakdown.escalations).length === 0) {
      notes.push('This store was written by a cto that did not yet count where tasks go: first attempts and escalations are counted from the next recorded attempt on.')
    }
    if (opts.model !== undefined && quality.rows.length === 0) notes.push(`No attempts by ${opts.model}${opts.type ? ` on ${opts.type} tasks` : ''}${opts.since ? ' in this period' : ''}.`)
    else if (opts.since !== undefined && quality.rows.length === 0) notes.push(`No attempts since ${opts.since.toISOString()}${opts.type ? ` on ${opts.type} tasks` : ''}: the store's newest day is ${Object.keys(inputs.days).sort().at(-1) ?? 'none'}.`)
  }
  const littleCells = quality.cells.filter((c) => c[2] < quality.little_evidence).length
  if (littleCells > 0) notes.push(`${littleCells} of ${quality.cells.length} heatmap cells rest on fewer than ${quality.little_evidence} attempts: they are drawn faded, with a dashed border.`)

  return {
    format: REPORT_FORMAT,
    generated_at: opts.now.toISOString(),
    store: inputs.store,
    filters: {
      ...(opts.since ? {since: opts.since.toISOString()} : {}),
      ...(opts.type ? {type: opts.type} : {}),
      ...(opts.model ? {model: opts.model} : {}),
      by: opts.by,
    },
    empty,
    fill_hints: FILL_HINTS,
    notes,
    totals: {attempts, cost_usd: round(costUsd), tokens, first_day: cost.dates[0] ?? null, last_day: cost.dates.at(-1) ?? null},
    cost,
    quality,
    routes,
    worst,
  }
}
