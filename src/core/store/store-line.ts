/**
 * What one line of a raw segment holds: an attempt (the AttemptRecord as JSON), or a baseline,
 * which carries totals imported from the original system's model_performance.json (it has no
 * per-attempt history, only per-model numbers).
 */
import type {TaskType} from '../providers/spec.js'
import type {AttemptRecord, PerfStats} from './types.js'

export interface BaselineLine {
  kind: 'baseline'
  /** The file it came from, as given to `import`. */
  source: string
  source_sha256: string
  imported_at: string
  model: string
  /** Set for a per-task-type baseline; absent for the model's totals. */
  task_type?: TaskType
  stats: PerfStats
}

export type StoreLine = AttemptRecord | BaselineLine

export function isBaseline(line: StoreLine): line is BaselineLine {
  return 'kind' in line && (line as BaselineLine).kind === 'baseline'
}

const NUMERIC: Array<keyof AttemptRecord> = ['escalation_step', 'input_tokens', 'output_tokens', 'cost_usd', 'duration_ms']

/**
 * Parse one line written by the store. A cheap structural check, not the full schema: the store
 * validated attempts with the schema before writing them; this catches torn or foreign lines.
 */
export function parseStoreLine(text: string): StoreLine | undefined {
  let v: unknown
  try {
    v = JSON.parse(text)
  } catch {
    return undefined
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined
  const o = v as Record<string, unknown>
  if (o.kind === 'baseline') {
    return typeof o.model === 'string' && typeof o.source_sha256 === 'string' && typeof o.stats === 'object' && o.stats !== null
      ? (o as unknown as BaselineLine)
      : undefined
  }
  if (typeof o.model !== 'string' || typeof o.task_id !== 'string' || typeof o.time !== 'string') return undefined
  if (typeof o.task_type !== 'string' || typeof o.success !== 'boolean') return undefined
  if (o.group !== 'claude' && o.group !== 'external') return undefined
  for (let i = 0; i < NUMERIC.length; i++) if (typeof o[NUMERIC[i]] !== 'number') return undefined
  return o as unknown as AttemptRecord
}

/** Identity of an attempt for de-duplicating imports. */
export function attemptKey(r: AttemptRecord): string {
  return `${r.task_id}\u0000${r.time}\u0000${r.model}\u0000${r.escalation_step}`
}

/** The attempt's id: its `attempt_id`, else (records from before ids) its task, time, model and step. */
export function attemptId(r: AttemptRecord): string {
  return r.attempt_id ?? `key:${attemptKey(r).replaceAll('\u0000', '\u001f')}`
}
