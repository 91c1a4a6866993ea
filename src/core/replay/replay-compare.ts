/** The router's result against one reference model, for the targets of issue 7. */
import type {ReplaySection} from './replay-types.js'

export interface Comparison {
  model: string
  model_accuracy: number
  model_cost_usd: number
  /** router accuracy / model accuracy. */
  accuracy_ratio: number
  /** router cost / model cost. */
  cost_ratio: number
}

export function compareWith(section: ReplaySection, model: string): Comparison | undefined {
  const ref = section.singles.find((s) => s.name === model)
  if (!ref) return undefined
  return {
    model,
    model_accuracy: ref.accuracy,
    model_cost_usd: ref.cost_usd,
    accuracy_ratio: ref.accuracy > 0 ? section.result.accuracy / ref.accuracy : Number.POSITIVE_INFINITY,
    cost_ratio: ref.cost_usd > 0 ? section.result.cost_usd / ref.cost_usd : Number.POSITIVE_INFINITY,
  }
}
