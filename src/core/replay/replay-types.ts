/** The replay's options and report shapes (`cto bench replay`). */
import type {Complexity, ModelGroup, TaskType} from '../providers/spec.js'
import type {PerfReader} from '../store/types.js'
import type {PlanParams} from '../router/cascade-plan.js'
import type {CascadeStatsReader, CascadeStatsWriter, LearnParams} from '../router/cascade-stats.js'
import type {FixedCascadeChoice} from './fixed-cascade.js'
import type {AttemptRecorder} from './memory-perf-store.js'
import type {TypeSource} from './task-type-map.js'

export type ReplayPolicy = 'cto' | 'random' | 'oracle' | `always:${string}`

export type ReviewMode = {kind: 'perfect'} | {kind: 'noisy'; p: number}

export interface ReplayOptions {
  /** The files whose rows are scored. */
  files: string[]
  /**
   * Files replayed first into the same store (learning, not scored). The best fixed cascade is
   * chosen on these rows (and on the rows before `score.from`).
   */
  warmupFiles?: string[]
  /** Default `cto`. */
  policy?: ReplayPolicy
  /** Default perfect. Strings as on the command line: `perfect`, `noisy:0.1`. */
  review?: ReviewMode | string
  /** Default `eval_name`. */
  types?: TypeSource
  /** Shuffle each file's rows (seeded) before splitting. */
  shuffle?: boolean
  /** Seed for shuffling, routing draws and review noise. Default 1. */
  seed?: number
  /**
   * Which rows of each file are scored, as fractions of the file: default [0, 1].
   * `{from: 0.7, to: 1}` scores the last 30 %.
   */
  score?: {from: number; to: number}
  /**
   * Replay the warm-up rows (warm-up files, and the rows before `score.from`) into the store before
   * the scored rows. Default: true when there are warm-up files, else false. With false they only
   * choose the fixed cascade (a cold start).
   */
  warmup?: boolean
  /**
   * The replay's stand-in for the CTO's pick (no CTO model is called). Default: the Claude-group
   * model with the highest price, i.e. a CTO that plays safe and gives everything to its strongest
   * Claude model; phase 2 then decides.
   */
  ctoChoice?: string
  /** Complexity of every row: from the heuristic classifier (default) or fixed. */
  complexity?: 'heuristic' | Complexity
  /** Model-name patterns in the `claude` budget group; the others are `external`. Default /^claude/i. */
  claudeGroup?: RegExp
  /** The planner's parameters (cost weight λ, horizon, estimate and text-model settings). */
  plan?: Partial<PlanParams>
  /** How the learned state folds observations (estimate and text-model settings). */
  learn?: LearnParams
  maxAttempts?: number
  /** Config `fallback_chain`; default the built-in defaults (which name no replay model). */
  fallbackChains?: Record<string, string[]>
  /** Escalations of a type before the learned plan replaces a chain (default 20). */
  chainEvidence?: number
  /** The store to learn in; default a fresh in-memory store. */
  store?: PerfReader & AttemptRecorder
  /** The router's learned state; default a fresh in-memory one. */
  cascade?: CascadeStatsReader & CascadeStatsWriter
  /**
   * The CTO model whose calls are priced (one classification per row, one review per answer).
   * Default: the cheapest model whose accuracy on the warm-up rows (else all rows) is at least the
   * median model's, as cto's own default CTO is a cheap model that is good at the work.
   */
  ctoModel?: string
}

export interface PolicyResult {
  name: string
  rows: number
  correct: number
  accuracy: number
  cost_usd: number
}

export interface RouterResult extends PolicyResult {
  /** The CTO's calls (classifications and reviews) on these rows, priced apart from cost_usd. */
  cto_cost_usd: number
  cto_calls: number
  calls: Record<string, number>
  /** Attempts after the first. */
  escalations: number
  blocked: number
  /** Rows whose first pick differs from the CTO's choice. */
  overridden: number
  /** Answers approved although wrong (noisy review). */
  wrong_approved: number
  /** Right answers rejected (noisy review). */
  right_rejected: number
  first_picks: Record<string, number>
}

export interface ReplayModel {
  name: string
  group: ModelGroup
  /** Price list entry used before the store has a cost: mean cost of the first rows. */
  call_cost_usd: number
}

export interface ReplaySection {
  /** A file name, or `all`. */
  name: string
  rows: number
  result: RouterResult
  singles: PolicyResult[]
  /** Expected accuracy and cost of a uniformly random model. */
  random: PolicyResult
  /** The cheapest correct model per row (cheapest model when none is correct). */
  oracle: PolicyResult
  /** The best fixed cascade chosen on the warm-up rows, on these rows (expected values); null without warm-up rows. */
  cascade: (PolicyResult & {models: string[]}) | null
}

export interface ReplayReport {
  files: string[]
  policy: ReplayPolicy
  review: ReviewMode
  types: TypeSource
  seed: number
  shuffle: boolean
  score: {from: number; to: number}
  /** The warm-up rows were replayed into the store (false: a cold start). */
  warmup: boolean
  warmup_files: string[]
  warmup_rows: number
  cto_choice: string
  /** The CTO model whose calls are priced, and its estimated rate (USD per million tokens, blended). */
  cto_model: string
  cto_usd_per_mtok: number
  /** The best fixed cascade on the warm-up rows (null without warm-up rows). */
  fixed_cascade: FixedCascadeChoice | null
  models: ReplayModel[]
  task_types: Partial<Record<TaskType, number>>
  complexities: Partial<Record<Complexity, number>>
  /** All files together, then one section per file. */
  all: ReplaySection
  per_file: ReplaySection[]
}
