/**
 * Records as the team store's rows: the JSON body exactly as the local store writes it (so
 * exports from either are byte-identical), plus the columns that indexes and sums need. Rows go
 * to the server as one jsonb array (record_attempts, bulk imports): one parameter, any size.
 */
import {isSuccessful, localDate} from '../aggregates.js'
import {attemptId, type BaselineLine} from '../store-line.js'
import type {AttemptRecord} from '../types.js'

export interface AttemptRow {
  id: string
  time: string
  day: string
  task_id: string
  model: string
  task_type: string
  grp: string
  step: number
  usr: string | null
  ok: boolean
  quality: number | null
  in: number
  out: number
  cost: number
  dur: number
  /** The verification passed (true), failed (false), or none ran (null). */
  ver: boolean | null
  body: string
}

export interface BaselineRow {
  id: string
  model: string
  task_type: string | null
  source_sha: string
  body: string
}

/** An attempt already normalised (attempt-schema.ts) and its JSON text. The day is the local date where it is recorded, as in the local store. */
export function attemptRow(a: AttemptRecord, json: string = JSON.stringify(a)): AttemptRow {
  return {
    id: attemptId(a),
    time: a.time,
    day: localDate(new Date(a.time)),
    task_id: a.task_id,
    model: a.model,
    task_type: a.task_type,
    grp: a.group,
    step: a.escalation_step,
    usr: a.user ?? null,
    ok: isSuccessful(a),
    quality: a.quality ?? null,
    in: a.input_tokens,
    out: a.output_tokens,
    cost: a.cost_usd,
    dur: a.duration_ms,
    ver: a.verify_passed ?? null,
    body: json,
  }
}

/** One imported model_performance.json total: counted once per file, model and task type. */
export function baselineRow(b: BaselineLine, json: string = JSON.stringify(b)): BaselineRow {
  return {
    id: `baseline:${b.source_sha256}:${b.model}:${b.task_type ?? ''}`,
    model: b.model,
    task_type: b.task_type ?? null,
    source_sha: b.source_sha256,
    body: json,
  }
}
