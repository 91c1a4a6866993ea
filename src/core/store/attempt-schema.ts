/**
 * The zod schema for AttemptRecord: every attempt is checked before it is written, so the raw
 * segments hold only well-formed records. Loaded lazily by the store (only writers and imports
 * need it), to keep `cto perf` start-up small.
 */
import {z} from 'zod'
import {COMPLEXITIES, ENGINE_KINDS, TASK_TYPES} from '../providers/spec.js'
import type {AttemptRecord} from './types.js'

const count = z.number().int().nonnegative()

export const attemptSchema = z
  .object({
    time: z.iso.datetime({offset: true}),
    task_id: z.string().min(1),
    task_hash: z.string(),
    task_excerpt: z.string(),
    task_type: z.enum(TASK_TYPES),
    complexity: z.enum(COMPLEXITIES),
    cto_choice: z.string(),
    model: z.string().min(1),
    group: z.enum(['claude', 'external']),
    override_reason: z.string().optional(),
    engine: z.enum(ENGINE_KINDS),
    success: z.boolean(),
    approved: z.boolean().optional(),
    quality: z.number().min(1).max(10).optional(),
    escalation_step: count,
    input_tokens: count,
    output_tokens: count,
    cost_usd: z.number().nonnegative(),
    duration_ms: z.number().nonnegative(),
    error_class: z.string().optional(),
    files_changed: count.optional(),
    lines_added: count.optional(),
    lines_removed: count.optional(),
    verify_command: z.string().optional(),
    verify_exit_code: z.number().int().optional(),
    verify_passed: z.boolean().optional(),
    verify_duration_ms: z.number().nonnegative().optional(),
  })
  .strict()

/**
 * Check an attempt and normalise it for storage: time in UTC (`…Z`, so times compare as strings),
 * keys in a fixed order, optional fields left out when undefined.
 */
export function normalizeAttempt(input: unknown): {ok: true; value: AttemptRecord} | {ok: false; problem: string} {
  const parsed = attemptSchema.safeParse(input)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    return {ok: false, problem: `${issue.path.join('.') || 'record'}: ${issue.message}`}
  }
  const v = parsed.data
  const out: AttemptRecord = {
    time: new Date(v.time).toISOString(),
    task_id: v.task_id,
    task_hash: v.task_hash,
    task_excerpt: v.task_excerpt,
    task_type: v.task_type,
    complexity: v.complexity,
    cto_choice: v.cto_choice,
    model: v.model,
    group: v.group,
    override_reason: v.override_reason,
    engine: v.engine,
    success: v.success,
    approved: v.approved,
    quality: v.quality,
    escalation_step: v.escalation_step,
    input_tokens: v.input_tokens,
    output_tokens: v.output_tokens,
    cost_usd: v.cost_usd,
    duration_ms: v.duration_ms,
    error_class: v.error_class,
    files_changed: v.files_changed,
    lines_added: v.lines_added,
    lines_removed: v.lines_removed,
    verify_command: v.verify_command,
    verify_exit_code: v.verify_exit_code,
    verify_passed: v.verify_passed,
    verify_duration_ms: v.verify_duration_ms,
  }
  for (const k of Object.keys(out) as Array<keyof AttemptRecord>) if (out[k] === undefined) delete out[k]
  return {ok: true, value: out}
}

/** Column order for CSV export: every AttemptRecord field. */
export const ATTEMPT_FIELDS = Object.keys(attemptSchema.shape) as Array<keyof AttemptRecord>
