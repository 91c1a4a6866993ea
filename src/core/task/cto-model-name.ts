/**
 * The model the CTO named, as a cto model name. The classification prompt lists models by their cto
 * names (`deepseek`), but a CTO may answer the provider's model id it knows (`deepseek-chat`), or
 * the name with other case or spacing (`DeepSeek`, `deep seek`): such an answer was "not a known
 * model" and the router replaced it. A name, alias or model id that matches — exactly, else
 * ignoring case, spaces, `-` and `_` — maps to its model; among several, a model offered to the CTO
 * (usable now) first, then the catalog's order. Anything else is returned as it was.
 */
import type {ResolvedModel} from '../providers/resolve.js'

const loose = (s: string) => s.trim().toLowerCase().replace(/[\s_-]+/g, '')

export function ctoModelName(answer: string, models: readonly ResolvedModel[], offered: readonly ResolvedModel[]): string {
  if (models.some((m) => m.name === answer)) return answer
  const pick = (hits: ResolvedModel[]) => (hits.find((h) => offered.some((o) => o.name === h.name)) ?? hits[0])?.name
  const typed = loose(answer)
  const byName = models.filter((m) => [m.name, ...(m.aliases ?? [])].some((n) => loose(n) === typed))
  const byId = models.filter((m) => m.modelId === answer.trim() || loose(m.modelId) === typed)
  return pick(byName) ?? pick(byId) ?? answer
}
