/**
 * The performance store's public shapes: what `cto task` records and what the router reads.
 */
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
  /** The engine finished without error. */
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
  /** The verification run after the change (absent when none ran). */
  verify_command?: string
  /** Absent when the command was killed (time limit). */
  verify_exit_code?: number
  verify_passed?: boolean
  verify_duration_ms?: number
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
