/**
 * When the CTO model can't be used (no key, disabled, its endpoint down, not a known model), the
 * model that could be the CTO instead, for `cto status` and the task's note to suggest:
 * `cto config set cto_model <model>`. A user with only a local model (Ollama) and no key for the
 * default CTO otherwise never learns that the local model can classify and review. The choice is
 * the default CTO's rule (catalog-policy.ts) among the models usable now: those that declare
 * `canBeCto` first, then the cheaper, then by name.
 */
import {nominalCallCost} from '../providers/catalog-policy.js'
import type {ResolvedModel} from '../providers/resolve.js'

export function ctoAlternative(models: readonly ResolvedModel[], ctoModel: string, usable: (m: ResolvedModel) => boolean): string | undefined {
  const rank = (m: ResolvedModel) => (m.canBeCto ? 0 : 1)
  return models
    .filter((m) => m.name !== ctoModel && usable(m))
    .sort((a, b) => rank(a) - rank(b) || nominalCallCost(a) - nominalCallCost(b) || a.name.localeCompare(b.name))[0]?.name
}

/** The suggestion as a sentence without its full stop. */
export function ctoAlternativeFix(model: string): string {
  return `make ${model} the CTO: cto config set cto_model ${model}`
}
