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
 *
 * Validation: a known field that is present must make sense, else the whole file is refused
 * with the JSON path of each problem (`models.deepseek.total_tasks: "lots" is not a number`):
 * numbers finite and not negative, counts whole, rates within 0–1 (or 0–100 as percent), quality
 * within 1–10, and the resulting totals consistent (no more successes than tasks). Before, such
 * values were taken as they were (25 successes of 10, quality 50) or dropped silently ("lots").
 * An entry of `models` that is not an object is skipped with a note.
 */
import {emptyStats, addStats} from './aggregates.js'
import type {BaselineLine} from './store-line.js'
import type {PerfStats} from './types.js'
import {TASK_TYPES, type TaskType} from '../providers/spec.js'

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Reads fields of one entry, collecting problems with their JSON path. */
class Fields {
  constructor(
    private readonly o: Obj,
    private readonly path: string,
    private readonly problems: string[],
  ) {}

  /** The first of `keys` present, as a non-negative finite number; a present but bad value is a problem. */
  num(...keys: string[]): number | undefined {
    for (const k of keys) {
      const v = this.o[k]
      if (v === undefined || v === null) continue
      const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN
      if (!Number.isFinite(n)) {
        this.problems.push(`${this.path}.${k}: ${JSON.stringify(v)} is not a number`)
        return undefined
      }
      if (n < 0) {
        this.problems.push(`${this.path}.${k}: ${n} is negative`)
        return undefined
      }
      return n
    }
    return undefined
  }

  count(...keys: string[]): number | undefined {
    const n = this.num(...keys)
    if (n !== undefined && !Number.isInteger(n)) {
      this.problems.push(`${this.path}.${keys.find((k) => this.o[k] !== undefined)}: ${n} is not a whole number`)
      return undefined
    }
    return n
  }

  /** A rate: 0–1, or 0–100 read as percent. */
  rate(...keys: string[]): number | undefined {
    const n = this.num(...keys)
    if (n === undefined) return undefined
    if (n > 100) {
      this.problems.push(`${this.path}.${keys.find((k) => this.o[k] !== undefined)}: ${n} is not a rate (0–1, or 0–100 as percent)`)
      return undefined
    }
    return n > 1 ? n / 100 : n
  }

  quality(...keys: string[]): number | undefined {
    const n = this.num(...keys)
    if (n !== undefined && (n < 1 || n > 10)) {
      this.problems.push(`${this.path}.${keys.find((k) => this.o[k] !== undefined)}: quality ${n} is outside 1–10`)
      return undefined
    }
    return n
  }
}

/** True when a parsed JSON value looks like model_performance.json. */
export function isModelPerformance(v: unknown): v is Obj {
  return isObj(v) && 'models' in v && !('task_id' in v) && !('kind' in v)
}

export function statsFromLegacy(o: Obj, path: string, problems: string[]): PerfStats {
  const f = new Fields(o, path, problems)
  const s = emptyStats()
  const tasks = f.count('total_tasks', 'tasks', 'task_count', 'count', 'total', 'attempts') ?? 0
  s.attempts = tasks
  s.tasks = tasks
  const successRate = f.rate('success_rate', 'approval_rate')
  s.successes = f.count('successful_tasks', 'successes', 'success_count', 'approved', 'approvals') ?? (successRate === undefined ? 0 : Math.round(successRate * tasks))
  if (o.quality_scores !== undefined) {
    const scores = Array.isArray(o.quality_scores) ? o.quality_scores : []
    const bad = scores.findIndex((x) => typeof x !== 'number' || !(x >= 1 && x <= 10))
    if (!Array.isArray(o.quality_scores)) problems.push(`${path}.quality_scores: not a list of scores`)
    else if (bad >= 0) problems.push(`${path}.quality_scores[${bad}]: ${JSON.stringify(scores[bad])} is not a quality score (1–10)`)
    else {
      s.quality_count = scores.length
      s.quality_sum = (scores as number[]).reduce((a, b) => a + b, 0)
    }
  } else {
    const avg = f.quality('avg_quality', 'average_quality', 'quality_avg', 'avg_quality_score')
    if (avg !== undefined) {
      s.quality_count = f.count('reviewed', 'quality_count', 'reviews') ?? tasks
      s.quality_sum = avg * s.quality_count
    }
  }
  const input = f.count('input_tokens', 'total_input_tokens')
  const output = f.count('output_tokens', 'total_output_tokens')
  if (input !== undefined || output !== undefined) {
    s.input_tokens = input ?? 0
    s.output_tokens = output ?? 0
  } else {
    const avgTokens = f.num('avg_tokens', 'average_tokens')
    s.input_tokens = f.num('total_tokens', 'tokens') ?? (avgTokens === undefined ? 0 : Math.round(avgTokens * tasks))
  }
  const totalMs = f.num('total_duration_ms', 'total_time_ms')
  const totalS = f.num('total_time', 'total_time_s', 'total_duration')
  const avgMs = f.num('avg_duration_ms', 'avg_time_ms')
  const avgS = f.num('avg_time', 'avg_time_s', 'avg_duration', 'avg_response_time')
  s.duration_ms =
    totalMs ?? (totalS === undefined ? undefined : totalS * 1000) ?? (avgMs === undefined ? undefined : avgMs * tasks) ??
    (avgS === undefined ? 0 : avgS * 1000 * tasks)
  const avgCost = f.num('avg_cost', 'average_cost')
  s.cost_usd = f.num('total_cost', 'total_cost_usd', 'cost_usd', 'cost') ?? (avgCost === undefined ? 0 : avgCost * tasks)
  const escRate = f.rate('escalation_rate')
  s.escalations = f.count('escalations', 'escalation_count', 'escalated') ?? (escRate === undefined ? 0 : Math.round(escRate * tasks))
  return s
}

export interface LegacyReading {
  baselines: BaselineLine[]
  /** Things worth telling the user (a summary that does not add up, entries skipped). */
  notes: string[]
  /** Values that make no sense, with their JSON path: the file is refused when there is any. */
  problems: string[]
}

export function readModelPerformance(
  value: Obj,
  meta: {source: string; sha256: string; importedAt: string},
  check: (stats: PerfStats) => string | undefined,
): LegacyReading {
  const baselines: BaselineLine[] = []
  const notes: string[] = []
  const problems: string[] = []
  if (!isObj(value.models)) {
    problems.push(`models: ${Array.isArray(value.models) ? 'a list' : JSON.stringify(value.models)}; model_performance.json keeps an object keyed by model name ({"models": {"<model name>": {...}}})`)
    return {baselines, notes, problems}
  }
  let total = 0
  const base = {kind: 'baseline' as const, source: meta.source, source_sha256: meta.sha256, imported_at: meta.importedAt}
  const checked = (path: string, stats: PerfStats) => {
    const bad = check(stats)
    if (bad) problems.push(`${path}: ${bad}`)
    return stats
  }
  for (const [model, entry] of Object.entries(value.models)) {
    if (!isObj(entry)) {
      notes.push(`models.${model} is not an object; skipped.`)
      continue
    }
    const typeLines: BaselineLine[] = []
    const typeSum = emptyStats()
    if (entry.task_types !== undefined && !isObj(entry.task_types)) problems.push(`models.${model}.task_types: not an object keyed by task type`)
    if (isObj(entry.task_types)) {
      for (const [type, t] of Object.entries(entry.task_types)) {
        const path = `models.${model}.task_types.${type}`
        if (!(TASK_TYPES as readonly string[]).includes(type)) {
          problems.push(`${path}: unknown task type (known: ${TASK_TYPES.join(', ')})`)
          continue
        }
        let stats: PerfStats | undefined
        if (typeof t === 'number') {
          if (Number.isInteger(t) && t >= 0) stats = {...emptyStats(), attempts: t, tasks: t}
          else problems.push(`${path}: ${t} is not a task count`)
        } else if (isObj(t)) stats = checked(path, statsFromLegacy(t, path, problems))
        else problems.push(`${path}: ${JSON.stringify(t)} is neither a task count nor an object`)
        if (!stats || stats.attempts === 0) continue
        addStats(typeSum, stats)
        typeLines.push({...base, model, task_type: type as TaskType, stats})
      }
    }
    let stats = checked(`models.${model}`, statsFromLegacy(entry, `models.${model}`, problems))
    if (stats.attempts === 0 && typeSum.attempts > 0) stats = typeSum
    if (stats.attempts === 0 && typeLines.length === 0) continue
    baselines.push({...base, model, stats}, ...typeLines)
    total += stats.attempts
  }
  if (isObj(value.summary)) {
    const claimed = new Fields(value.summary, 'summary', []).num('total_tasks', 'tasks', 'total')
    if (claimed !== undefined && claimed !== total) {
      notes.push(`.summary says ${claimed} tasks, the models add up to ${total}; imported the per-model numbers.`)
    }
  }
  return {baselines, notes, problems}
}
