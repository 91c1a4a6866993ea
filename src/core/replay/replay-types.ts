/** The replay's options and report shapes (`cto bench replay`). */
import type {Complexity, ModelGroup, TaskType} from '../providers/spec.js'
import type {PerfReader} from '../store/types.js'
import type {WeightParams} from '../router/weighted-selection.js'
import type {AttemptRecorder} from './memory-perf-store.js'
import type {TypeSource} from './task-type-map.js'

export type ReplayPolicy = 'cto' | 'random' | 'oracle' | `always:${string}`

export type ReviewMode = {kind: 'perfect'} | {kind: 'noisy'; p: number}

export interface ReplayOptions {
  files: string[]
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
  /** Play the rows before `score.from` first (recorded in the store, not scored). Default false. */
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
  weights?: Partial<WeightParams>
  successTolerance?: number
  lastAttemptTolerance?: number
  maxAttempts?: number
  /** Config `fallback_chain`; default the built-in defaults (which name no replay model). */
  fallbackChains?: Record<string, string[]>
  /** The store to learn in; default a fresh in-memory store. */
  store?: PerfReader & AttemptRecorder
}

export interface PolicyResult {
  name: string
  rows: number
  correct: number
  accuracy: number
  cost_usd: number
}

export interface RouterResult extends PolicyResult {
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
}

export interface ReplayReport {
  files: string[]
  policy: ReplayPolicy
  review: ReviewMode
  types: TypeSource
  seed: number
  shuffle: boolean
  score: {from: number; to: number}
  warmup: boolean
  warmup_rows: number
  cto_choice: string
  models: ReplayModel[]
  task_types: Partial<Record<TaskType, number>>
  complexities: Partial<Record<Complexity, number>>
  /** All files together, then one section per file. */
  all: ReplaySection
  per_file: ReplaySection[]
}
