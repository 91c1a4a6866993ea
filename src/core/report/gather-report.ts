/**
 * What `cto perf report` reads, through the store's interface only (types.ts PerfStore), so the
 * file store and the team store (issue 16) give the same report: the day rollups, the breakdown
 * (totals, or the raw attempts since `--since`), and the newest WORST_WINDOW (2,000) attempts for the
 * worst-tasks table. The three reads run at once. Nothing reads every raw attempt: at 1,000,000
 * records this costs the rollups file (~1 MB of JSON) and the end of the newest segment or two.
 */
import type {PerfStore} from '../store/types.js'
import {buildReportData, type ReportOptions} from './report-data.js'
import type {ReportData, ReportHolds} from './report-types.js'

/**
 * Newest attempts read for the worst-tasks table: a day of a busy team (10 members × 100 tasks),
 * ~1 MB read backwards. 5,000 cost 40 ms of parsing at 1,000,000 records, a quarter of `cto perf`'s whole run.
 */
export const WORST_WINDOW = 2000

export type ReportReader = Pick<PerfStore, 'location' | 'info' | 'health' | 'dailyRollups' | 'breakdown' | 'latest'>

export async function gatherReport(store: ReportReader, opts: ReportOptions & {window?: number}): Promise<ReportData> {
  const window = opts.window ?? WORST_WINDOW
  const info = store.info()
  const [days, breakdown, latest] = await Promise.all([
    store.dailyRollups(),
    store.breakdown(opts.since ? {since: opts.since} : {}),
    store.latest({limit: window, ...(opts.since ? {since: opts.since} : {}), ...(opts.type ? {type: opts.type} : {})}),
  ])
  return buildReportData({store: store.location, health: store.health(), info, days, breakdown, latest, latestLimit: window}, opts)
}

export function reportHolds(data: ReportData): ReportHolds {
  const q = data.quality
  return {
    empty: data.empty,
    attempts: data.totals.attempts,
    cost_usd: data.totals.cost_usd,
    days: data.cost.dates.length,
    first_day: data.totals.first_day,
    last_day: data.totals.last_day,
    series: data.cost.series.map((s) => s.name),
    heatmap: {rows: q.rows.length, cols: q.cols.length, cells: q.cells.length, little_evidence_cells: q.cells.filter((c) => c[2] < q.little_evidence).length},
    escalation_pairs: data.routes.escalations.length,
    first_served_models: data.routes.first_served.length,
    worst_tasks: data.worst.tasks.length,
    worst_window: data.worst.window,
  }
}
