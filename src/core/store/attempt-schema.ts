/**
 * The zod schemas for what the store keeps: every attempt and every imported baseline is checked
 * before it is written, so the raw segments hold only well-formed records. Loaded lazily (only
 * writers and imports need it), to keep `cto perf` start-up small.
 *
 * Bounds, and why: the totals are sums over every record ever kept, and one absurd value poisons
 * them for good (an import of `cost_usd: 1e308` twice overflowed to Infinity; a baseline with
 * empty stats turned every total into NaN). So every number is finite and bounded so that ten
 * million records still sum to a finite, exact-enough number: at most $1,000,000 and 10^9 tokens
 * per attempt (10^7 × 10^6 = 10^13, far from overflow), counts consistent (successes ≤ attempts).
 * Strings are bounded too (the excerpt is 80 characters when cto writes it; 2,000 accepted), so a
 * line stays well under the 64 KiB the store reads back to check the tail of a segment.
 */
import {z} from 'zod'
import {COMPLEXITIES, ENGINE_KINDS, TASK_TYPES} from '../providers/spec.js'
import type {BaselineLine} from './store-line.js'
import type {AttemptRecord, PerfStats} from './types.js'

const count = z.number().int().nonnegative()
const MAX_TOKENS = 1e9
const MAX_COST_USD = 1e6
const MAX_DURATION_MS = 1e10
const shortText = z.string().max(200)

export const attemptSchema = z
  .object({
    time: z.iso.datetime({offset: true}),
    task_id: shortText.min(1),
    task_hash: shortText,
    task_excerpt: z.string().max(2000),
    task_type: z.enum(TASK_TYPES),
    complexity: z.enum(COMPLEXITIES),
    cto_choice: shortText,
    model: shortText.min(1),
    group: z.enum(['claude', 'external']),
    override_reason: z.string().max(2000).optional(),
    engine: z.enum(ENGINE_KINDS),
    success: z.boolean(),
    approved: z.boolean().optional(),
    quality: z.number().min(1).max(10).optional(),
    escalation_step: count.max(1000),
    input_tokens: count.max(MAX_TOKENS),
    output_tokens: count.max(MAX_TOKENS),
    cost_usd: z.number().nonnegative().max(MAX_COST_USD),
    duration_ms: z.number().nonnegative().max(MAX_DURATION_MS),
    error_class: shortText.optional(),
    failed_before: z.array(shortText.min(1)).max(1000).optional(),
    features: z.array(z.number().int().min(0).max(2 ** 32 - 1)).max(256).optional(),
    files_changed: count.max(1e9).optional(),
    lines_added: count.max(1e12).optional(),
    lines_removed: count.max(1e12).optional(),
    verify_command: shortText.optional(),
    verify_exit_code: z.number().int().min(-1e6).max(1e6).optional(),
    verify_passed: z.boolean().optional(),
    verify_duration_ms: z.number().nonnegative().max(MAX_DURATION_MS).optional(),
    /** Unique id of this attempt (a UUID from cto task): what makes a push or a spool delivery count it once. */
    attempt_id: shortText.min(1).optional(),
    /** Who ran it: CTO_USER, else user@host. */
    user: shortText.optional(),
  })
  .strict()

/**
 * Check an attempt and normalise it for storage: time in UTC (`…Z`, so times compare as strings),
 * keys in a fixed order, optional fields left out when undefined.
 */
export function normalizeAttempt(input: unknown): {ok: true; value: AttemptRecord} | {ok: false; problem: string} {
  const parsed = attemptSchema.safeParse(input)
  if (!parsed.success) return {ok: false, problem: firstIssue(parsed.error)}
  return {ok: true, value: shapeAttempt(parsed.data)}
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0]
  return `${issue.path.join('.') || 'record'}: ${issue.message}`
}

/**
 * The stored shape of an attempt already validated (an import's second pass re-reads the file it
 * validated in the first, and checks the file's sha256 did not change before committing).
 */
export function shapeAttempt(v: AttemptRecord): AttemptRecord {
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
    failed_before: v.failed_before,
    features: v.features,
    files_changed: v.files_changed,
    lines_added: v.lines_added,
    lines_removed: v.lines_removed,
    verify_command: v.verify_command,
    verify_exit_code: v.verify_exit_code,
    verify_passed: v.verify_passed,
    verify_duration_ms: v.verify_duration_ms,
    attempt_id: v.attempt_id,
    user: v.user,
  }
  for (const k of Object.keys(out) as Array<keyof AttemptRecord>) if (out[k] === undefined) delete out[k]
  return out
}

const bigCount = count.max(1e12)

export const statsSchema = z
  .object({
    attempts: bigCount,
    successes: bigCount,
    quality_count: bigCount,
    quality_sum: z.number().nonnegative().max(1e13),
    input_tokens: count.max(1e15),
    output_tokens: count.max(1e15),
    cost_usd: z.number().nonnegative().max(1e12),
    duration_ms: z.number().nonnegative().max(1e15),
    escalations: bigCount,
    tasks: bigCount,
  })
  .strict()
  .superRefine((s, ctx) => {
    for (const k of ['successes', 'quality_count', 'escalations', 'tasks'] as const) {
      if (s[k] > s.attempts) ctx.addIssue({code: 'custom', path: [k], message: `${s[k]} is more than attempts (${s.attempts})`})
    }
    if (s.quality_sum < s.quality_count * 1 - 1e-9 || s.quality_sum > s.quality_count * 10 + 1e-9) {
      ctx.addIssue({code: 'custom', path: ['quality_sum'], message: `an average quality of ${s.quality_count ? (s.quality_sum / s.quality_count).toFixed(2) : 'n/a'} is outside 1–10`})
    }
  })

export const baselineSchema = z
  .object({
    kind: z.literal('baseline'),
    source: z.string().max(4096),
    source_sha256: z.string().regex(/^[0-9a-f]{64}$/),
    imported_at: z.iso.datetime({offset: true}),
    model: shortText.min(1),
    task_type: z.enum(TASK_TYPES).optional(),
    stats: statsSchema,
  })
  .strict()

/** Check a baseline line (totals imported from model_performance.json) and give it the stored key order. */
export function normalizeBaseline(input: unknown): {ok: true; value: BaselineLine} | {ok: false; problem: string} {
  const parsed = baselineSchema.safeParse(input)
  if (!parsed.success) return {ok: false, problem: firstIssue(parsed.error)}
  return {ok: true, value: shapeBaseline(parsed.data as BaselineLine)}
}

export function shapeBaseline(v: BaselineLine): BaselineLine {
  const s = v.stats
  const stats: PerfStats = {
    attempts: s.attempts,
    successes: s.successes,
    quality_count: s.quality_count,
    quality_sum: s.quality_sum,
    input_tokens: s.input_tokens,
    output_tokens: s.output_tokens,
    cost_usd: s.cost_usd,
    duration_ms: s.duration_ms,
    escalations: s.escalations,
    tasks: s.tasks,
  }
  return {
    kind: 'baseline',
    source: v.source,
    source_sha256: v.source_sha256,
    imported_at: new Date(v.imported_at).toISOString(),
    model: v.model,
    ...(v.task_type === undefined ? {} : {task_type: v.task_type}),
    stats,
  }
}

/** Column order for CSV export: every AttemptRecord field. */
export const ATTEMPT_FIELDS = Object.keys(attemptSchema.shape) as Array<keyof AttemptRecord>
