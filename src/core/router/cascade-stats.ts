/**
 * What the router learns about cascades, and the interface it reads and writes it through.
 *
 * One observation per attempt: the task type, the model, the models that already failed on this
 * task before it (its position in the task is their number), whether it succeeded (approved when
 * reviewed, else the engine's own success — the store's rule), its cost, and the task's hashed
 * features (task-features.ts; no text). The totals kept, each [attempts, successes, cost USD]:
 *
 *   position(type, model, 'first')   attempts of a model on a type that came first in their task
 *   position(type, model, 'after')   … that came after at least one failure
 *   afterModel(type, model, F)       … that came after model F failed (one per failed model)
 *   afterSet(type, model, {F1, …})   … after exactly these failed (one or more)
 * plus the same with type `*` (every type), and position totals with model `*` (every model),
 * for the priors. So a model used mostly after others failed is judged by what it does there,
 * and not mixed with first attempts (the store's per-model totals mix them). The text model's
 * weights are a small dense array (2^12 numbers) indexed by hash(feature, model).
 *
 * `foldCascade` is a pure fold over observations in order, and the state converts to and from a
 * plain JSON document (cascadeStateToJson / cascadeStateFromJson: type → model → tallies), so a
 * store can keep it beside its totals and rebuild it from its raw attempts (phase B:
 * docs/router-learning.md).
 * MemoryCascadeStats is the in-memory implementation the replay and, until the store keeps the
 * state, `cto task` use.
 */
import type {TaskType} from '../providers/spec.js'
import type {AttemptRecord} from '../store/types.js'
import {TEXT_BITS, textUpdate, type TextParams} from './text-model.js'
import {estimateSuccess, type EstimateParams} from './success-estimate.js'

export const CASCADE_STATE_VERSION = 1

export interface CascadeObservation {
  type: TaskType
  model: string
  /** Models that failed on this task before this attempt, in order (its position is their number). */
  failed: readonly string[]
  success: boolean
  cost_usd: number
  /** The task's hashed features (taskFeatures); empty when unknown. */
  features: readonly number[]
}

/** What an attempt record needs beside its own fields to teach the router (phase B adds them to the record). */
export interface CascadeFields {
  /** Models that failed on this task before this attempt, in order; its length is the attempt's escalation_step. */
  failed_before: string[]
  /** The task's hashed features (taskFeatures): numbers, no text. */
  features: number[]
}

/**
 * The one place an attempt becomes an observation: success is the store's rule (approved when
 * reviewed, else the engine's own success; src/core/store/aggregates.ts isSuccessful).
 */
export function observationFromAttempt(
  record: Pick<AttemptRecord, 'task_type' | 'model' | 'success' | 'approved' | 'cost_usd'>,
  fields: CascadeFields,
): CascadeObservation {
  return {
    type: record.task_type,
    model: record.model,
    failed: fields.failed_before,
    success: record.approved === undefined ? record.success : record.approved,
    cost_usd: record.cost_usd,
    features: fields.features,
  }
}

export interface CascadeCounts {
  attempts: number
  successes: number
  cost_usd: number
}

export type Position = 'first' | 'after'
type AnyType = TaskType | '*'

/** What the planner reads: O(1) lookups, no scan. */
export interface CascadeStatsReader {
  /** A model's (or every model's: `*`) attempts on a type (or every type: `*`) at a position. */
  position(type: AnyType, model: string, position: Position): CascadeCounts
  /** A model's attempts on a type after `failedModel` failed (whatever else failed too). */
  afterModel(type: AnyType, model: string, failedModel: string): CascadeCounts
  /**
   * A model's attempts on a type after exactly these models failed (one or more, any order). With
   * one, it is afterModel without the attempts that came after others failed too: on a two-option
   * task a third attempt is nearly always right, and counting those overstates the second.
   */
  afterSet(type: AnyType, model: string, failed: readonly string[]): CascadeCounts
  /** The text model's weights (length 2^textBits). */
  readonly textWeights: ArrayLike<number>
  readonly textBits: number
}

export interface CascadeStatsWriter {
  observe(observation: CascadeObservation): void
}

type Tally = [attempts: number, successes: number, cost: number]

interface ModelTallies {
  first?: Tally
  after?: Tally
  pair: Map<string, Tally>
  set: Map<string, Tally>
}

export interface CascadeState {
  version: typeof CASCADE_STATE_VERSION
  /** type (or `*`) → model (or `*`) → tallies. */
  table: Map<string, Map<string, ModelTallies>>
  text: {bits: number; weights: number[]}
  observations: number
}

/** One model's tallies in the JSON document: [attempts, successes, cost USD] each. */
export interface ModelTalliesJson {
  first?: Tally
  after?: Tally
  /** failed model → tally. */
  after_model?: Record<string, Tally>
  /** failed set (names sorted, joined by `+`) → tally. */
  after_set?: Record<string, Tally>
}

export interface CascadeStateJson {
  version: typeof CASCADE_STATE_VERSION
  /** type (or `*`) → model (or `*`) → tallies. */
  counts: Record<string, Record<string, ModelTalliesJson>>
  text: {bits: number; weights: number[]}
  observations: number
}

export interface LearnParams {
  estimate?: Partial<EstimateParams>
  text?: Partial<TextParams>
}

const ZERO: CascadeCounts = Object.freeze({attempts: 0, successes: 0, cost_usd: 0})

/** The key of a failed set: its distinct names, sorted, joined by `+`. */
export function setKey(failed: readonly string[]): string {
  if (failed.length === 2) {
    const [a, b] = failed as [string, string]
    return a < b ? `${a}+${b}` : a === b ? a : `${b}+${a}`
  }
  return [...new Set(failed)].sort().join('+')
}

export function emptyCascadeState(bits = TEXT_BITS): CascadeState {
  return {version: CASCADE_STATE_VERSION, table: new Map(), text: {bits, weights: new Array<number>(2 ** bits).fill(0)}, observations: 0}
}

function view(t: Tally | undefined): CascadeCounts {
  return t ? {attempts: t[0], successes: t[1], cost_usd: t[2]} : ZERO
}

/** A reader over a state (no copy: it sees later folds). */
export function cascadeReader(state: CascadeState): CascadeStatsReader {
  const tallies = (type: AnyType, model: string) => state.table.get(type)?.get(model)
  return {
    position: (type, model, position) => view(tallies(type, model)?.[position]),
    afterModel: (type, model, failedModel) => view(tallies(type, model)?.pair.get(failedModel)),
    afterSet: (type, model, failed) => view(tallies(type, model)?.set.get(setKey(failed))),
    get textWeights() {
      return state.text.weights
    },
    get textBits() {
      return state.text.bits
    },
  }
}

/** Nothing learned yet (never written to). */
export const EMPTY_CASCADE_STATS: CascadeStatsReader = cascadeReader(emptyCascadeState())

function talliesIn(state: CascadeState, type: string, model: string): ModelTallies {
  let byModel = state.table.get(type)
  if (!byModel) {
    byModel = new Map()
    state.table.set(type, byModel)
  }
  let t = byModel.get(model)
  if (!t) {
    t = {pair: new Map(), set: new Map()}
    byModel.set(model, t)
  }
  return t
}

function bump(t: Tally | undefined, success: boolean, cost: number): Tally {
  if (!t) return [1, success ? 1 : 0, cost]
  t[0] += 1
  if (success) t[1] += 1
  t[2] += cost
  return t
}

/**
 * Folds one observation into the state: first the text model learns from it (against what the
 * counts predicted before it), then the counts take it.
 */
export function foldCascade(state: CascadeState, o: CascadeObservation, params: LearnParams = {}): void {
  if (o.features.length > 0) {
    const prior = estimateSuccess(cascadeReader(state), o.type, o.model, o.failed, params.estimate)
    textUpdate(state.text.weights, state.text.bits, o.model, o.features, prior.mean, o.success, params.text)
  }
  const cost = Number.isFinite(o.cost_usd) && o.cost_usd > 0 ? o.cost_usd : 0
  const position: Position = o.failed.length === 0 ? 'first' : 'after'
  const failed = [...new Set(o.failed)].filter((f) => f !== o.model)
  for (const type of [o.type, '*']) {
    const own = talliesIn(state, type, o.model)
    own[position] = bump(own[position], o.success, cost)
    for (const f of failed) own.pair.set(f, bump(own.pair.get(f), o.success, cost))
    if (failed.length >= 1) {
      const key = setKey(failed)
      own.set.set(key, bump(own.set.get(key), o.success, cost))
    }
    const every = talliesIn(state, type, '*')
    every[position] = bump(every[position], o.success, cost)
  }
  state.observations += 1
}

const roundTally = (t: Tally): Tally => [t[0], t[1], Math.round(t[2] * 1e9) / 1e9]

/** The state as a plain JSON document (for a store to keep beside its totals). */
export function cascadeStateToJson(state: CascadeState): CascadeStateJson {
  const counts: CascadeStateJson['counts'] = {}
  for (const [type, byModel] of state.table) {
    const out: Record<string, ModelTalliesJson> = {}
    for (const [model, t] of byModel) {
      const m: ModelTalliesJson = {}
      if (t.first) m.first = roundTally(t.first)
      if (t.after) m.after = roundTally(t.after)
      if (t.pair.size > 0) m.after_model = Object.fromEntries([...t.pair].map(([k, v]) => [k, roundTally(v)]))
      if (t.set.size > 0) m.after_set = Object.fromEntries([...t.set].map(([k, v]) => [k, roundTally(v)]))
      out[model] = m
    }
    counts[type] = out
  }
  // Weights to a millionth: far below what one update moves them.
  return {version: state.version, counts, text: {bits: state.text.bits, weights: state.text.weights.map((w) => Math.round(w * 1e6) / 1e6)}, observations: state.observations}
}

function tallyOf(value: unknown, where: string): Tally {
  if (!Array.isArray(value) || value.length !== 3 || !value.every((x) => typeof x === 'number' && Number.isFinite(x))) throw new RangeError(`Cascade state: bad tally at ${where}`)
  return [value[0], value[1], value[2]]
}

/** Reads a document written by cascadeStateToJson; throws on anything else (never resets silently). */
export function cascadeStateFromJson(json: CascadeStateJson): CascadeState {
  if (json?.version !== CASCADE_STATE_VERSION) throw new RangeError(`Unknown cascade state version ${String(json?.version)}`)
  const bits = json.text?.bits
  if (!Number.isInteger(bits) || !Array.isArray(json.text.weights) || json.text.weights.length !== 2 ** bits) throw new RangeError('Cascade state: text weights do not match their size')
  const state: CascadeState = {version: CASCADE_STATE_VERSION, table: new Map(), text: {bits, weights: json.text.weights.slice()}, observations: json.observations}
  for (const [type, byModel] of Object.entries(json.counts ?? {})) {
    const models = new Map<string, ModelTallies>()
    for (const [model, m] of Object.entries(byModel)) {
      const where = `${type}/${model}`
      const t: ModelTallies = {pair: new Map(), set: new Map()}
      if (m.first !== undefined) t.first = tallyOf(m.first, `${where}/first`)
      if (m.after !== undefined) t.after = tallyOf(m.after, `${where}/after`)
      for (const [f, v] of Object.entries(m.after_model ?? {})) t.pair.set(f, tallyOf(v, `${where}/after_model/${f}`))
      for (const [k, v] of Object.entries(m.after_set ?? {})) t.set.set(k, tallyOf(v, `${where}/after_set/${k}`))
      models.set(model, t)
    }
    state.table.set(type, models)
  }
  return state
}

/** The in-memory implementation: what the replay learns in, and `cto task` until the store keeps the state. */
export class MemoryCascadeStats implements CascadeStatsReader, CascadeStatsWriter {
  readonly state: CascadeState
  private readonly reader: CascadeStatsReader
  private readonly params: LearnParams

  constructor(options: {state?: CascadeState; params?: LearnParams} = {}) {
    this.state = options.state ?? emptyCascadeState()
    this.reader = cascadeReader(this.state)
    this.params = options.params ?? {}
  }

  position(type: AnyType, model: string, position: Position): CascadeCounts {
    return this.reader.position(type, model, position)
  }

  afterModel(type: AnyType, model: string, failedModel: string): CascadeCounts {
    return this.reader.afterModel(type, model, failedModel)
  }

  afterSet(type: AnyType, model: string, failed: readonly string[]): CascadeCounts {
    return this.reader.afterSet(type, model, failed)
  }

  get textWeights(): ArrayLike<number> {
    return this.state.text.weights
  }

  get textBits(): number {
    return this.state.text.bits
  }

  observe(observation: CascadeObservation): void {
    foldCascade(this.state, observation, this.params)
  }
}
