/**
 * What `cto perf` shows, computed from aggregates (default) or from a fold over filtered raw
 * records (`--since`). Rates and averages are per attempt; `null` when there is nothing to divide.
 */
import type {AggregatesDoc} from './aggregates.js'
import type {PerfRow, PerfStats, PerfSummary, PerfSummaryOptions} from './types.js'

export type {PerfRow, PerfSummary, PerfSummaryOptions} from './types.js'

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

/** The filters a summary was asked for, as it reports them. */
export function summaryFilters(opts: PerfSummaryOptions): PerfSummary['filters'] {
  return {
    ...(opts.since ? {since: opts.since.toISOString()} : {}),
    ...(opts.type ? {type: opts.type} : {}),
    ...(opts.model ? {model: opts.model} : {}),
  }
}
