/**
 * What `cto perf report` puts in the page: one JSON document, inline, read by the page script
 * (page/). Built from the store's totals, per-day rollups and the newest few thousand attempts,
 * never from every raw attempt, so its size follows days × models, not records (~100 KB for
 * three years of 8 models). Types only: the browser bundle imports this file too.
 */

export const REPORT_FORMAT = 1

/** What the cost chart stacks: models, or the members who ran the attempts (team store). */
export type ReportBy = 'model' | 'user'

export interface ReportData {
  format: typeof REPORT_FORMAT
  generated_at: string
  /** The store's location (a folder, or a database URL without its password). */
  store: string
  filters: {since?: string; type?: string; model?: string; by: ReportBy}
  /** The store holds nothing at all: the page says how to fill it. */
  empty: boolean
  /** Commands that fill the store, for the empty page. */
  fill_hints: string[]
  /** Things the reader should know: stale totals, what a filter cannot apply to, where data is thin. */
  notes: string[]
  totals: {attempts: number; cost_usd: number; tokens: number; first_day: string | null; last_day: string | null}
  cost: CostView
  quality: QualityView
  routes: RoutesView
  worst: WorstView
}

export interface CostSeries {
  name: string
  /** USD per date, aligned with CostView.dates. */
  cost: number[]
  total_usd: number
  attempts: number
}

export interface CostView {
  by: ReportBy
  /** Every local date from the first to the last with attempts (days without any are zeros). */
  dates: string[]
  /** One stacked series per model (or member), most expensive first. */
  series: CostSeries[]
  /** Tokens (input + output) per date per budget group, all models, and the group's daily budget. */
  groups: Array<{group: 'claude' | 'external'; tokens: number[]; budget: number; enforced: boolean}>
}

/** [row, column, attempts, success rate (null: none), mean quality (null: none reviewed), quality scores]. */
export type QualityCell = [row: number, col: number, attempts: number, success: number | null, quality: number | null, scored: number]

export interface QualityView {
  /** Models, most attempts first. */
  rows: string[]
  /** Task types with attempts. */
  cols: string[]
  /** Only cells with attempts. */
  cells: QualityCell[]
  /** Cells with fewer attempts than this are marked as little evidence. */
  little_evidence: number
}

export interface RoutesView {
  /** Model whose attempt failed → model tried next, summed over the task types shown. */
  escalations: Array<{from: string; to: string; count: number}>
  /** Tasks each model served first (escalation step 0), with its share of all first attempts shown. */
  first_served: Array<{model: string; tasks: number; share: number}>
}

export interface WorstTask {
  task_id: string
  /** When its newest attempt ended. */
  time: string
  type: string
  excerpt: string
  /** blocked: its last attempt failed or was rejected; rejected: rejected at least once, then served. */
  outcome: 'blocked' | 'rejected'
  /** Oldest first. */
  attempts: Array<{model: string; ok: boolean; quality: number | null; error: string | null}>
  cost_usd: number
  /** Who ran it, when the record names them (team store). */
  user: string | null
  /** The command that shows its log. */
  command: string
}

export interface WorstView {
  /** How many of the newest attempts were read to find them (the page says so). */
  window: number
  /** Attempts actually read (fewer when the store or the filters hold fewer). */
  read: number
  tasks: WorstTask[]
}

/** What a written report holds, in numbers (`cto perf report --json`). */
export interface ReportHolds {
  empty: boolean
  attempts: number
  cost_usd: number
  days: number
  first_day: string | null
  last_day: string | null
  /** Stacked cost series (models, or members with --by user). */
  series: string[]
  heatmap: {rows: number; cols: number; cells: number; little_evidence_cells: number}
  escalation_pairs: number
  first_served_models: number
  worst_tasks: number
  /** Newest attempts read for the worst-tasks table. */
  worst_window: number
}
