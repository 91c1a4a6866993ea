/** How a model is shown to users and scripts (`cto models list|show`, `cto status`). Never the key. */
import type {ResolvedModel} from '../providers/resolve.js'
import {hasUsableKey} from './resolve-models.js'
import type {Unavailable} from '../availability/availability-log.js'
import type {MissingModel} from './resolve-models.js'

export interface ModelView {
  name: string
  plugin: string
  provider: string
  engine: string
  group: string
  enabled: boolean
  /** `yes`, `no`, or `not needed` (local models; Claude Code may use its own login). */
  key: 'yes' | 'no' | 'not needed'
  key_source: string | null
  tools: boolean
  model_id: string
  base_url: string | null
  context_window: number
  price_per_mtok: {input: number; output: number}
  good_for: string[]
  description: string
  aliases: string[]
  /** Enabled, with a key (or needing none), and nothing known that keeps it from working. */
  usable: boolean
  /** Why it can't be used right now (its engine can't start, its key was refused, its endpoint didn't answer), with the fix. */
  unavailable: Unavailable | null
}

export function describeKeySource(m: ResolvedModel): string | null {
  switch (m.keySource.kind) {
    case 'env':
      return `env ${m.keySource.name}`
    case 'agent-config':
      return m.keySource.scope === 'provider' ? `${m.keySource.path} (provider ${m.providerName})` : m.keySource.path
    default:
      return null
  }
}

export function viewModel(m: ResolvedModel, unavailable?: Unavailable): ModelView {
  return {
    name: m.name,
    plugin: m.plugin,
    provider: m.provider,
    engine: m.engine,
    group: m.group,
    enabled: m.enabled,
    key: m.apiKey ? 'yes' : m.needsKey ? 'no' : 'not needed',
    key_source: describeKeySource(m),
    tools: m.supportsTools,
    model_id: m.modelId,
    base_url: m.baseURL ?? null,
    context_window: m.contextWindow,
    price_per_mtok: {input: m.pricing.inputPerMTok, output: m.pricing.outputPerMTok},
    good_for: m.goodFor,
    description: m.description,
    aliases: m.aliases ?? [],
    usable: m.enabled && hasUsableKey(m) && !unavailable,
    unavailable: unavailable ?? null,
  }
}

export function formatPrice(v: ModelView): string {
  const f = (n: number) => (n === 0 ? '0' : `$${n}`)
  return v.price_per_mtok.input === 0 && v.price_per_mtok.output === 0 ? 'free' : `${f(v.price_per_mtok.input)} / ${f(v.price_per_mtok.output)}`
}

/** One line per reason: `haiku, sonnet, opus can't be used: … → fix`. */
export function unavailableLines(views: readonly ModelView[]): string[] {
  const groups = new Map<string, {names: string[]; u: Unavailable}>()
  for (const v of views) {
    if (!v.unavailable || !v.enabled) continue
    const key = `${v.unavailable.reason}\u0000${v.unavailable.fix}`
    const g = groups.get(key) ?? {names: [], u: v.unavailable}
    g.names.push(v.name)
    groups.set(key, g)
  }
  return [...groups.values()].map(({names, u}) => `${names.join(', ')} can't be used: ${u.reason}${u.since ? ` (since ${u.since.slice(0, 16).replace('T', ' ')})` : ''}. ${u.fix}`)
}

/** A model the config names whose plugin is not installed: never routed to, no price known. */
export interface MissingModelView {
  name: string
  group: string
  /** What the config says; it can't run either way. */
  enabled: boolean
  status: 'plugin missing'
  /** The config file that names it. */
  source: string | null
}

export function viewMissingModel(m: MissingModel): MissingModelView {
  return {name: m.name, group: m.group, enabled: m.enabled, status: 'plugin missing', source: m.source}
}
