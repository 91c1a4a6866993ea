/**
 * The routing policy the plugins declare, read from the catalog. The core names no model: which
 * model escalates to which, the legacy names, the default CTO, the models complex tasks stay on and
 * the local heuristic's pick all come from the models' v2 declarations (`tier`, `escalatesTo`,
 * `aliases`, `protected`, `canBeCto`). Config overrides the defaults built from these
 * (src/core/config/effective.ts).
 *
 * The ladder: the longest chain of `escalatesTo` declarations in the catalog (a provider's small →
 * medium → large models). A model that declares no `escalatesTo` of its own escalates to the rungs
 * of the ladder above its tier (no tier counts as `small`): an external model that declares
 * nothing escalates as the ladder's smallest model does.
 */
import type {Complexity, ModelPricing, Tier} from './spec.js'
import {TIERS} from './spec.js'

/** What the policy reads of a catalog model. */
export interface PolicyModel {
  name: string
  provider: string
  providerName: string
  plugin: string
  pluginType: string
  pricing: ModelPricing
  enabledByDefault: boolean
  aliases?: string[]
  tier?: Tier
  escalatesTo?: string
  protected?: boolean
  canBeCto?: boolean
}

/** The nominal call used to compare prices (the router's: 1,500 input and 500 output tokens). */
export function nominalCallCost(m: Pick<PolicyModel, 'pricing'>): number {
  return (1500 * m.pricing.inputPerMTok + 500 * m.pricing.outputPerMTok) / 1e6
}

/** Core plugins' models first (a plugin the user installs never changes a default silently), then cheaper, then by name. */
function preferenceOrder(a: PolicyModel, b: PolicyModel): number {
  const core = (m: PolicyModel) => (m.pluginType === 'core' ? 0 : 1)
  return core(a) - core(b) || nominalCallCost(a) - nominalCallCost(b) || a.name.localeCompare(b.name)
}

/** Follows `escalatesTo` from a model: the models after it, known ones only, stopping at a cycle or an unknown name. */
function declaredChain(start: PolicyModel, byName: Map<string, PolicyModel>): string[] {
  const chain: string[] = []
  const seen = new Set([start.name])
  for (let next = start.escalatesTo; next !== undefined; ) {
    const m = byName.get(next)
    if (!m || seen.has(m.name)) break
    chain.push(m.name)
    seen.add(m.name)
    next = m.escalatesTo
  }
  return chain
}

/** The longest declared chain, from its first model (ties: core plugins, then the cheaper start). */
export function escalationLadder(models: readonly PolicyModel[]): string[] {
  const byName = new Map(models.map((m) => [m.name, m]))
  let best: {start: PolicyModel; chain: string[]} | undefined
  for (const m of [...models].sort(preferenceOrder)) {
    if (!m.escalatesTo) continue
    const chain = [m.name, ...declaredChain(m, byName)]
    if (chain.length > 1 && (!best || chain.length > best.chain.length)) best = {start: m, chain}
  }
  return best?.chain ?? []
}

const tierRank = (t: Tier | undefined): number => (t === undefined ? 0 : TIERS.indexOf(t))

/** Every model's default fallback chain (models with an empty chain are left out). */
export function derivedFallbackChains(models: readonly PolicyModel[]): Record<string, string[]> {
  const byName = new Map(models.map((m) => [m.name, m]))
  const ladder = escalationLadder(models).map((n) => byName.get(n) as PolicyModel)
  // A rung without a tier ranks as the rung below it.
  const rungs: Array<{name: string; rank: number}> = []
  for (const r of ladder) rungs.push({name: r.name, rank: r.tier ? tierRank(r.tier) : (rungs.at(-1)?.rank ?? 0)})
  const chains: Record<string, string[]> = {}
  for (const m of models) {
    const chain = m.escalatesTo ? declaredChain(m, byName) : rungs.filter((r) => r.rank > tierRank(m.tier) && r.name !== m.name).map((r) => r.name)
    if (chain.length > 0) chains[m.name] = chain
  }
  return chains
}

/** Legacy name (lower case) → model, from the models' `aliases`; a name that is itself a model is no alias. */
export function aliasTable(models: readonly PolicyModel[]): Map<string, string> {
  const table = new Map<string, string>()
  for (const m of models) for (const a of m.aliases ?? []) table.set(a.toLowerCase(), m.name)
  for (const m of models) table.delete(m.name)
  return table
}

/** The default CTO: the cheapest model enabled by default that declares `canBeCto` (core plugins first); else the cheapest enabled one. */
export function defaultCtoModel(models: readonly PolicyModel[]): string | undefined {
  const enabled = models.filter((m) => m.enabledByDefault).sort(preferenceOrder)
  return (enabled.find((m) => m.canBeCto) ?? enabled[0])?.name
}

/** `MODEL_PROVIDER=<p>`: the cheapest CTO-capable model of that provider (by provider, plugin or model name). */
export function ctoModelForProvider(models: readonly PolicyModel[], provider: string): string | undefined {
  const p = provider.toLowerCase()
  const own = models
    .filter((m) => m.providerName.toLowerCase() === p || m.provider.toLowerCase() === p || m.plugin.toLowerCase().endsWith(`provider-${p}`) || m.name === p)
    .sort(preferenceOrder)
  return (own.find((m) => m.canBeCto) ?? own[0])?.name
}

/** Models whose complex tasks cost optimisation never moves. */
export function protectedModelNames(models: readonly PolicyModel[]): string[] {
  return models.filter((m) => m.protected === true).map((m) => m.name)
}

const TIER_FOR: Record<Complexity, Tier> = {simple: 'small', moderate: 'medium', complex: 'large'}

/**
 * The local heuristic's pick by complexity, as a cautious CTO would: the ladder's model of the
 * matching tier (cost optimisation then moves routine work to cheaper models), else the preferred
 * model of that tier, else the CTO model.
 */
export function workerForComplexity(models: readonly PolicyModel[], complexity: Complexity, ctoModel: string): string {
  const tier = TIER_FOR[complexity]
  const byName = new Map(models.map((m) => [m.name, m]))
  const rung = escalationLadder(models).find((n) => byName.get(n)?.tier === tier)
  return rung ?? [...models].filter((m) => m.tier === tier).sort(preferenceOrder)[0]?.name ?? ctoModel
}
