/**
 * Reading the original system's `model_performance.json` (Python orchestrator; `jq '.summary'`,
 * `jq '.models.deepseek'`). It holds totals, not attempts, so each model becomes baseline lines:
 * one with the model's totals and one per entry of its task-type breakdown.
 *
 * The format was never written down; this reading accepts the likely spellings:
 *
 *   .models.<name>.total_tasks | tasks | task_count | count | total   → attempts and tasks
 *   .successful_tasks | successes | success_count | approved          → successes
 *     else success_rate | approval_rate (0–1, or 0–100 when > 1) × tasks
 *   .avg_quality | average_quality | quality_avg (1–10) × (reviewed | quality_count, else tasks)
 *     or quality_scores: [..] (count and sum)
 *   .input_tokens / .output_tokens; else total_tokens | tokens | avg_tokens × tasks, counted as input
 *   .total_duration_ms | total_time_ms; .total_time | total_time_s | total_duration (seconds);
 *     else avg_duration_ms × tasks, or avg_time | avg_time_s | avg_duration | avg_response_time (s) × tasks
 *   .total_cost | total_cost_usd | cost_usd | cost; else avg_cost × tasks
 *   .escalations | escalation_count | escalated; else escalation_rate × tasks
 *   .task_types.<type>: the same fields, or a bare number (a task count)
 *
 * Model totals missing but a task-type breakdown present: the totals are the sum of the types.
 * `.summary` is only checked (its total task count against the sum of the models) and reported.
 */
import {emptyStats, addStats} from './aggregates.js'
import type {BaselineLine} from './store-line.js'
import type {PerfStats} from './types.js'
import type {TaskType} from '../providers/spec.js'

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

function num(o: Obj, ...keys: string[]): number | undefined {
  for (const k of keys) {
    const v = o[k]
    if (typeof v === 'number' && Number.isFinite(v)) return v
    if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v)
  }
  return undefined
}

const rate = (r: number) => (r > 1 ? r / 100 : r)

/** True when a parsed JSON value looks like model_performance.json. */
export function isModelPerformance(v: unknown): v is Obj {
  return isObj(v) && isObj(v.models) && !('task_id' in v)
}

export function statsFromLegacy(o: Obj): PerfStats {
  const s = emptyStats()
  const tasks = num(o, 'total_tasks', 'tasks', 'task_count', 'count', 'total', 'attempts') ?? 0
  s.attempts = tasks
  s.tasks = tasks
  const successRate = num(o, 'success_rate', 'approval_rate')
  s.successes = num(o, 'successful_tasks', 'successes', 'success_count', 'approved', 'approvals') ??
    (successRate === undefined ? 0 : Math.round(rate(successRate) * tasks))
  if (Array.isArray(o.quality_scores)) {
    const scores = o.quality_scores.filter((x): x is number => typeof x === 'number')
    s.quality_count = scores.length
    s.quality_sum = scores.reduce((a, b) => a + b, 0)
  } else {
    const avg = num(o, 'avg_quality', 'average_quality', 'quality_avg', 'avg_quality_score')
    if (avg !== undefined) {
      s.quality_count = num(o, 'reviewed', 'quality_count', 'reviews') ?? tasks
      s.quality_sum = avg * s.quality_count
    }
  }
  const input = num(o, 'input_tokens', 'total_input_tokens')
  const output = num(o, 'output_tokens', 'total_output_tokens')
  if (input !== undefined || output !== undefined) {
    s.input_tokens = input ?? 0
    s.output_tokens = output ?? 0
  } else {
    const avgTokens = num(o, 'avg_tokens', 'average_tokens')
    s.input_tokens = num(o, 'total_tokens', 'tokens') ?? (avgTokens === undefined ? 0 : avgTokens * tasks)
  }
  const totalMs = num(o, 'total_duration_ms', 'total_time_ms')
  const totalS = num(o, 'total_time', 'total_time_s', 'total_duration')
  const avgMs = num(o, 'avg_duration_ms', 'avg_time_ms')
  const avgS = num(o, 'avg_time', 'avg_time_s', 'avg_duration', 'avg_response_time')
  s.duration_ms =
    totalMs ?? (totalS === undefined ? undefined : totalS * 1000) ?? (avgMs === undefined ? undefined : avgMs * tasks) ??
    (avgS === undefined ? 0 : avgS * 1000 * tasks)
  const avgCost = num(o, 'avg_cost', 'average_cost')
  s.cost_usd = num(o, 'total_cost', 'total_cost_usd', 'cost_usd', 'cost') ?? (avgCost === undefined ? 0 : avgCost * tasks)
  const escRate = num(o, 'escalation_rate')
  s.escalations = num(o, 'escalations', 'escalation_count', 'escalated') ?? (escRate === undefined ? 0 : Math.round(rate(escRate) * tasks))
  return s
}

export interface LegacyReading {
  baselines: BaselineLine[]
  /** Things worth telling the user (a summary that does not add up, entries skipped). */
  notes: string[]
}

export function readModelPerformance(
  value: Obj,
  meta: {source: string; sha256: string; importedAt: string},
): LegacyReading {
  const baselines: BaselineLine[] = []
  const notes: string[] = []
  let total = 0
  const base = {kind: 'baseline' as const, source: meta.source, source_sha256: meta.sha256, imported_at: meta.importedAt}
  for (const [model, entry] of Object.entries(value.models as Obj)) {
    if (!isObj(entry)) {
      notes.push(`models.${model} is not an object; skipped.`)
      continue
    }
    const typeLines: BaselineLine[] = []
    const typeSum = emptyStats()
    if (isObj(entry.task_types)) {
      for (const [type, t] of Object.entries(entry.task_types)) {
        const stats = typeof t === 'number' ? {...emptyStats(), attempts: t, tasks: t} : isObj(t) ? statsFromLegacy(t) : undefined
        if (!stats) {
          notes.push(`models.${model}.task_types.${type} is neither a number nor an object; skipped.`)
          continue
        }
        if (stats.attempts === 0) continue
        addStats(typeSum, stats)
        typeLines.push({...base, model, task_type: type as TaskType, stats})
      }
    }
    let stats = statsFromLegacy(entry)
    if (stats.attempts === 0 && typeSum.attempts > 0) stats = typeSum
    if (stats.attempts === 0 && typeLines.length === 0) continue
    baselines.push({...base, model, stats}, ...typeLines)
    total += stats.attempts
  }
  if (isObj(value.summary)) {
    const claimed = num(value.summary, 'total_tasks', 'tasks', 'total')
    if (claimed !== undefined && claimed !== total) {
      notes.push(`.summary says ${claimed} tasks, the models add up to ${total}; imported the per-model numbers.`)
    }
  }
  return {baselines, notes}
}
