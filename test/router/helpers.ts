import type {AttemptRecord} from '../../src/core/store/types.js'
import type {RouteModel} from '../../src/core/router/route-model.js'
import {MemoryPerfStore} from '../../src/core/replay/memory-perf-store.js'
import type {TaskType} from '../../src/core/providers/spec.js'
import type {CascadeStatsWriter} from '../../src/core/router/cascade-stats.js'

export function model(name: string, over: Partial<RouteModel> = {}): RouteModel {
  return {
    name,
    group: 'external',
    engine: 'openai-tools',
    supportsTools: true,
    pricing: {inputPerMTok: 1, outputPerMTok: 2},
    enabled: true,
    hasKey: true,
    ...over,
  }
}

export const FLEET: RouteModel[] = [
  model('haiku', {group: 'claude', engine: 'claude-cli', pricing: {inputPerMTok: 1, outputPerMTok: 5}}),
  model('sonnet', {group: 'claude', engine: 'claude-cli', pricing: {inputPerMTok: 3, outputPerMTok: 15}}),
  model('opus', {group: 'claude', engine: 'claude-cli', pricing: {inputPerMTok: 15, outputPerMTok: 75}}),
  model('deepseek', {pricing: {inputPerMTok: 0.27, outputPerMTok: 1.1}}),
  model('minimax', {pricing: {inputPerMTok: 0.3, outputPerMTok: 1.2}}),
  model('kimi', {engine: 'text', supportsTools: false, pricing: {inputPerMTok: 0.6, outputPerMTok: 2.5}}),
  model('glm', {engine: 'text', supportsTools: false, pricing: {inputPerMTok: 0.5, outputPerMTok: 2}}),
]

let seq = 0
/** Records `n` attempts of a model on a type, `ok` of them approved. */
export function recordMany(store: MemoryPerfStore, m: string, type: TaskType, n: number, ok: number, opts: {cost?: number; tokens?: number; group?: 'claude' | 'external'; time?: string} = {}): void {
  for (let i = 0; i < n; i++) {
    const rec: AttemptRecord = {
      time: opts.time ?? new Date().toISOString(),
      task_id: `t${seq++}`,
      task_hash: 'h',
      task_excerpt: 'x',
      task_type: type,
      complexity: 'simple',
      cto_choice: m,
      model: m,
      group: opts.group ?? 'external',
      engine: 'openai-tools',
      success: true,
      approved: i < ok,
      escalation_step: 0,
      input_tokens: opts.tokens ?? 0,
      output_tokens: 0,
      cost_usd: opts.cost ?? 0.001,
      duration_ms: 1,
    }
    store.record(rec)
  }
}

/** Feeds `n` observations of a model on a type after `failed` failed, `ok` of them successes. */
export function observeMany(
  stats: CascadeStatsWriter,
  m: string,
  type: TaskType,
  n: number,
  ok: number,
  opts: {failed?: string[]; cost?: number; features?: number[]} = {},
): void {
  for (let i = 0; i < n; i++) stats.observe({type, model: m, failed: opts.failed ?? [], success: i < ok, cost_usd: opts.cost ?? 0.001, features: opts.features ?? []})
}
