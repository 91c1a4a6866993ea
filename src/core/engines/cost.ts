import type {ModelPricing} from '../providers/spec.js'
import type {Usage} from './types.js'

/** US dollars for `usage` at `pricing` (dollars per million tokens), rounded to a millionth of a cent. */
export function costOf(usage: Usage, pricing: ModelPricing | undefined): number {
  if (!pricing) return 0
  const dollars = (usage.input_tokens * pricing.inputPerMTok + usage.output_tokens * pricing.outputPerMTok) / 1_000_000
  return Math.round(dollars * 1e8) / 1e8
}

export function addUsage(total: Usage, more: Partial<Usage> | undefined): Usage {
  return {
    input_tokens: total.input_tokens + (more?.input_tokens ?? 0),
    output_tokens: total.output_tokens + (more?.output_tokens ?? 0),
  }
}
