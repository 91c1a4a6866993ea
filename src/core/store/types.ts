/**
 * The performance store's interface: what `cto task` records, what the router reads, what the
 * `cto perf` commands show. Two implementations: files (perf-store.ts, the default) and a team's
 * PostgreSQL database (pg/pg-store.ts); both run one contract suite (test/store/contract.ts),
 * so everything a caller may rely on is stated here and nothing here names a file or a table.
 */
import type {Writable} from 'node:stream'
import type {CascadeStateJson} from '../router/cascade-stats.js'
import type {Complexity, EngineKind, ModelGroup, TaskType} from '../providers/spec.js'

export interface AttemptRecord {
  /** ISO time the attempt ended. */
  time: string
  task_id: string
  /** sha256 of the task text, hex, first 16 chars. */
  task_hash: string
  /** First 80 characters of the task. */
  task_excerpt: string
  task_type: TaskType
  complexity: Complexity
  /** The CTO's pick for this task. */
  cto_choice: string
  /** The model that ran this attempt. */
  model: string
  group: ModelGroup
  /** Why the CTO's choice was overridden, if it was. */
  override_reason?: string
  engine: EngineKind
  /**
   * The engine finished without error (and, for an attempt whose review was unavailable, the
   * project's tests did not fail: such an attempt is not applied, so it is no success either).
   */
  success: boolean
  /** The CTO approved the result (undefined when not reviewed). */
  approved?: boolean
  /** 1–10 when reviewed. */
  quality?: number
  /** 0 for the first attempt, 1 for the first escalation, ... */
  escalation_step: number
  input_tokens: number
  output_tokens: number
  cost_usd: number
  duration_ms: number
  /** Error class when the attempt failed (`rate_limited`, `rejected`, ...). */
  error_class?: string
  /** What the attempt changed in its copy of the workspace (absent when it ran in place). */
  files_changed?: number
  lines_added?: number
  lines_removed?: number
  /** Models that failed on this task before this attempt, in order (length = escalation_step). */
  failed_before?: string[]
  /** The task's hashed features (src/core/router/task-features.ts): numbers, never text. */
  features?: number[]
  /** The verification run after the change (absent when none ran). */
  verify_command?: string
  /** Absent when the command was killed (time limit). */
  verify_exit_code?: number
  verify_passed?: boolean
  verify_duration_ms?: number
  /** Unique id of the attempt (a UUID from `cto task`): a push or a spool delivery counts it once. Older records have none: their id is task, time, model and step (attemptId in store-line.ts). */
  attempt_id?: string
  /** Who ran it: `CTO_USER`, else user@host. Older records have none. */
  user?: string
}

/** Running aggregate for one model, or one model × task type. */
export interface PerfStats {
  attempts: number
  /** Attempts counted as successful: approved when reviewed, else engine success. */
  successes: number
  /** Attempts that had a quality score, and their sum. */
  quality_count: number
  quality_sum: number
  input_tokens: number
  output_tokens: number
  cost_usd: number
  duration_ms: number
  /** Attempts that failed and were escalated to another model. */
  escalations: number
  /** Distinct tasks. */
  tasks: number
  /** Attempts verified by the project's tests, and how many passed (absent in totals older than verification). */
  verify_runs?: number
  verify_passes?: number
}

/** What the router reads: O(1) lookups, no scan of records. */
export interface PerfReader {
  /** Stats for a model, or for a model on one task type. Zeroes when unknown. */
  stats(model: string, taskType?: TaskType): PerfStats
  /** Tokens used today (local date) by a budget group. */
  tokensToday(group: ModelGroup): number
}

/** One model on one day (local date of the attempt's end). */
export interface DayModelRollup {
  attempts: number
  /** Approved when reviewed, else engine success. */
  successes: number
  cost_usd: number
  input_tokens: number
  output_tokens: number
}

/** One local date: per model, and tokens (input + output) per budget group. */
export interface DayRollup {
  models: Record<string, DayModelRollup>
  groups: Record<ModelGroup, number>
  /**
   * Per member who ran the attempts, when records name one (the team store, issue 16: `user@host`
   * or CTO_USER); absent when none do. `cto perf report --by user` stacks cost by it.
   */
  users?: Record<string, DayModelRollup>
}

/**
 * Per model × task type, and where tasks went: what `cto perf report` draws besides the day
 * rollups (issue 17). From the running totals (imported model_performance.json totals included in
 * `by_model_type`), or with `since` from the raw attempts since then, like `summary`.
 */
export interface PerfBreakdown {
  source: 'aggregates' | 'records'
  /** model → task type → stats. */
  by_model_type: Record<string, Record<string, PerfStats>>
  /** task type → model → tasks it served first (attempts at escalation step 0). */
  first_served: Record<string, Record<string, number>>
  /** task type → model whose attempt failed → model tried next → count. */
  escalations: Record<string, Record<string, Record<string, number>>>
}

export interface LatestOptions {
  /** At most this many attempts. */
  limit: number
  /** Only attempts that ended at or after this moment. */
  since?: Date
  /** Only this task type. */
  type?: TaskType
}

export interface PerfSummaryOptions {
  /** Only attempts that ended at or after this moment (reads raw attempts, skipping older segments). */
  since?: Date
  /** Only this task type. */
  type?: TaskType
  /** One model: its rows by task type and its recent attempts. */
  model?: string
  /** How many recent attempts to list with `model` (default 10). */
  recent?: number
  /** `user`: also one row per person who ran the attempts (`by_user`), from the raw attempts. */
  by?: 'model' | 'user'
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

/** One person's attempts (`cto perf --by user`): `user` is CTO_USER or user@host; `(unknown)` for records from before identities. */
export interface UserRow extends Omit<PerfRow, 'model' | 'task_type'> {
  user: string
  /** Models this person's attempts ran on, most attempts first. */
  models: string[]
}

/** Whether the totals can be trusted as they are. A read never repairs; it says so instead. */
export interface StoreHealth {
  /** True when the totals may not match the raw attempts (damage found, repair pending). */
  stale: boolean
  /** What was found and how it gets fixed, one sentence each. */
  problems: string[]
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
  /** With `by: 'user'`: one row per person, most attempts first (filters apply). */
  by_user?: UserRow[]
  totals: {attempts: number; cost_usd: number; tokens: number}
  /** Where the store is (a folder, or a database URL without its password). */
  store: string
  health: StoreHealth
}

export interface StoreInfo {
  location: string
  attempts: number
  /** Lines imported from model_performance.json. */
  baselines: number
  models: number
  tokens_today: Record<ModelGroup, number>
  health: StoreHealth
}

export type ExportFormat = 'jsonl' | 'csv'

export interface ExportResult {
  format: ExportFormat
  attempts: number
  /** Baselines written (jsonl) or left out (csv has no form for them). */
  baselines: number
  baselines_skipped: number
  /** Records counted in the totals that could not be read back (damage); named in a warning. */
  unreadable: number
  path?: string
}

export type ImportFormat = 'jsonl' | 'csv' | 'json' | 'model_performance'

export interface ImportResult {
  file: string
  format: ImportFormat
  attempts_added: number
  duplicates_skipped: number
  baselines_added: number
  /** model_performance.json already imported (same content): nothing added. */
  already_imported: boolean
  notes: string[]
}

export interface ResetResult {
  attempts: number
  baselines: number
  /** Where the old history went, when kept. */
  backup?: string
}

export interface CheckResult {
  ok: boolean
  /** Records read back and verified. */
  records: number
  problems: string[]
  /** With `repair`: what was done. */
  repaired: string[]
}

/** Whether an attempt may start under its group's daily token cap, decided for the whole team at once. */
export interface BudgetAdmission {
  ok: boolean
  /** Tokens the group had used today (spent + held by attempts running now) before this one. */
  used: number
  /** Decided on this machine only (the team's database could not be reached). */
  local?: boolean
}

/**
 * Team budgets (the PostgreSQL store): the check against a cap and the spending happen
 * atomically across machines. `admit` holds `tokens` for attempt `id` while the group's tokens
 * today (spent + held) are under `cap`; recording the attempt (same `attempt_id`) turns the hold
 * into spending; a hold never recorded expires after `ttlMs`. So no two members both pass a cap
 * that only one fits under: a cap is exceeded by at most one attempt's overrun of its estimate.
 */
export interface BudgetGate {
  admit(req: {id: string; group: ModelGroup; tokens: number; cap: number; ttlMs: number}): Promise<BudgetAdmission>
}

/** What `cto task` needs of a store: the totals the router reads, recording, and team budgets where the store has them. */
export interface TaskStore extends PerfReader {
  readonly location: string
  record(attempt: AttemptRecord): Promise<void>
  refresh(): Promise<void>
  close(): Promise<void>
  budget?: BudgetGate
  /** What the router learned about cascades from the recorded attempts (src/core/router/cascade-stats.ts); null before any. */
  cascade(): CascadeStateJson | null
}

/**
 * The store. Guarantees every implementation keeps (the contract suite checks them):
 * - `record` returns only once the attempt is durable, and it is counted exactly once; when it
 *   throws, nothing of it is counted, so a retry is safe.
 * - An import is all or nothing; every record is validated first, problems are named with line numbers.
 * - `export` → `reset` → `import` → `export` gives the same bytes.
 * - Reads (`summary`, `recent`, `export`, `info`) never write.
 */
export interface PerfStore extends PerfReader {
  readonly location: string
  /** Reload the totals (another process may have recorded since). */
  refresh(): Promise<void>
  record(attempt: AttemptRecord): Promise<void>
  /** Record attempts in one step: all or none. */
  recordMany(attempts: readonly AttemptRecord[]): Promise<void>
  /** Models with any recorded or imported history. */
  models(): string[]
  /** What the router learned about cascades from the recorded attempts (src/core/router/cascade-stats.ts); null before any. */
  cascade(): CascadeStateJson | null
  info(): StoreInfo
  health(): StoreHealth
  summary(opts?: PerfSummaryOptions): Promise<PerfSummary>
  /** The newest attempts of one model, newest first. */
  recent(model: string, opts?: {limit?: number; type?: TaskType; since?: Date}): Promise<AttemptRecord[]>
  /** Local date (YYYY-MM-DD) → rollup, every date with attempts. */
  dailyRollups(): Promise<Record<string, DayRollup>>
  /** Stats per model × task type, first-served counts and escalation pairs (see PerfBreakdown). */
  breakdown(opts?: {since?: Date}): Promise<PerfBreakdown>
  /** The newest attempts of every model, newest first (the report's worst recent tasks). */
  latest(opts: LatestOptions): Promise<AttemptRecord[]>
  /** Every record, in the order recorded: jsonl (lossless) or csv (attempts only); to a file path (atomically) or a stream. */
  export(format: ExportFormat, out: string | Writable): Promise<ExportResult>
  import(file: string): Promise<ImportResult>
  reset(opts?: {backup?: boolean}): Promise<ResetResult>
  /** Read every record back and verify it; `repair` fixes what it can and says what was lost. */
  check(opts?: {repair?: boolean}): Promise<CheckResult>
  close(): Promise<void>
}
