/**
 * What `cto perf` shows, computed from aggregates (default) or from a fold over filtered raw
 * records (`--since`). Rates and averages are per attempt; `null` when there is nothing to divide.
 */
import type {TaskType} from '../providers/spec.js'
import type {AggregatesDoc} from './aggregates.js'
import type {AttemptRecord, PerfStats} from './types.js'

export interface PerfSummaryOptions {
  /** Only attempts that ended at or after this moment (scans raw records). */
  since?: Date
  /** Only this task type. */
  type?: TaskType
  /** One model: its rows by task type and its recent attempts. */
  model?: string
  /** How many recent attempts to list with `model` (default 10). */
  recent?: number
}

export interface PerfRow {
  model: string
  /** Set on per-task-type rows. */
  task_type?: string
  tasks: number
  attempts: number
  /** Approved when reviewed, else engine success, over attempts. */
  success_rate: number | null
  avg_quality: number | null
  avg_tokens: number | null
  avg_duration_ms: number | null
  total_cost_usd: number
  /** Attempts escalated to another model, over attempts. */
  escalation_rate: number | null
  /** Verified attempts whose tests passed, over verified attempts (null: none verified). */
  verify_pass_rate: number | null
}

export interface PerfSummary {
  /** `aggregates`: running totals (include imported baselines); `records`: a scan of raw attempts. */
  source: 'aggregates' | 'records'
  filters: {since?: string; type?: TaskType; model?: string}
  /** True when the store holds nothing at all (not just nothing matching the filters). */
  empty: boolean
  /** One row per model (filtered by type when given), most attempts first. */
  models: PerfRow[]
  /** With `model`: that model by task type. */
  by_type?: PerfRow[]
  /** With `model`: its most recent attempts, newest first. */
  recent?: AttemptRecord[]
  totals: {attempts: number; cost_usd: number; tokens: number}
  /** The store folder. */
  store: string
}

const per = (n: number, d: number) => (d > 0 ? n / d : null)

export function perfRow(model: string, s: PerfStats, taskType?: string): PerfRow {
  return {
    model,
    ...(taskType === undefined ? {} : {task_type: taskType}),
    tasks: s.tasks,
    attempts: s.attempts,
    success_rate: per(s.successes, s.attempts),
    avg_quality: per(s.quality_sum, s.quality_count),
    avg_tokens: per(s.input_tokens + s.output_tokens, s.attempts),
    avg_duration_ms: per(s.duration_ms, s.attempts),
    total_cost_usd: s.cost_usd,
    escalation_rate: per(s.escalations, s.attempts),
    verify_pass_rate: per(s.verify_passes ?? 0, s.verify_runs ?? 0),
  }
}

const byAttempts = (a: PerfRow, b: PerfRow) => b.attempts - a.attempts || a.model.localeCompare(b.model) || (a.task_type ?? '').localeCompare(b.task_type ?? '')

/** Rows for a document: per model, or per model on one task type. */
export function summaryRows(doc: AggregatesDoc, opts: PerfSummaryOptions): Pick<PerfSummary, 'models' | 'by_type' | 'totals'> {
  const models: PerfRow[] = []
  const totals = {attempts: 0, cost_usd: 0, tokens: 0}
  const names = new Set([...Object.keys(doc.models), ...Object.keys(doc.model_types)])
  for (const model of names) {
    if (opts.model !== undefined && model !== opts.model) continue
    const stats = opts.type ? doc.model_types[model]?.[opts.type] : doc.models[model]
    if (!stats || stats.attempts === 0) continue
    models.push(perfRow(model, stats))
    totals.attempts += stats.attempts
    totals.cost_usd += stats.cost_usd
    totals.tokens += stats.input_tokens + stats.output_tokens
  }
  models.sort(byAttempts)
  let by_type: PerfRow[] | undefined
  if (opts.model !== undefined) {
    by_type = Object.entries(doc.model_types[opts.model] ?? {})
      .filter(([type, s]) => s.attempts > 0 && (opts.type === undefined || type === opts.type))
      .map(([type, s]) => perfRow(opts.model as string, s, type))
      .sort(byAttempts)
  }
  return {models, by_type, totals}
}
