/**
 * What the CTO is told about each enabled model when it classifies a task (phase 1): capabilities,
 * price, and the store's record for the task type. The CTO prompt renders these; `--verbose` shows them.
 */
import type {TaskType} from '../providers/spec.js'
import type {PerfReader} from '../store/types.js'
import {estimateCallCost} from './cost-estimate.js'
import type {RouteModel} from './route-model.js'

export interface ModelHint {
  model: string
  group: RouteModel['group']
  tools: boolean
  research_only: boolean
  price_in_per_mtok: number
  price_out_per_mtok: number
  /** Recorded attempts on this task type. */
  attempts: number
  /** successes / attempts, undefined without a record. */
  success_rate?: number
  /** Mean review quality 1–10, undefined without a review. */
  quality?: number
  cost_per_call_usd: number
}

export function classificationHints(models: readonly RouteModel[], perf: PerfReader, type: TaskType): ModelHint[] {
  return models
    .filter((m) => m.enabled && m.hasKey)
    .map((m) => {
      const s = perf.stats(m.name, type)
      return {
        model: m.name,
        group: m.group,
        tools: m.supportsTools,
        research_only: m.engine === 'text',
        price_in_per_mtok: m.pricing.inputPerMTok,
        price_out_per_mtok: m.pricing.outputPerMTok,
        attempts: s.attempts,
        success_rate: s.attempts > 0 ? s.successes / s.attempts : undefined,
        quality: s.quality_count > 0 ? s.quality_sum / s.quality_count : undefined,
        cost_per_call_usd: estimateCallCost(m, perf, type),
      }
    })
}

/** One line per model for the CTO prompt. */
export function renderHints(hints: readonly ModelHint[], type: TaskType): string {
  return hints
    .map((h) => {
      const record = h.success_rate === undefined ? `no ${type} record yet` : `${type}: ${(h.success_rate * 100).toFixed(0)}% approved over ${h.attempts}${h.quality === undefined ? '' : `, quality ${h.quality.toFixed(1)}/10`}`
      return `- ${h.model} (${h.group}${h.tools ? ', tools' : ''}${h.research_only ? ', text only' : ''}; $${h.price_in_per_mtok}/$${h.price_out_per_mtok} per M tokens in/out): ${record}`
    })
    .join('\n')
}
