/**
 * Merging the layers into the effective config, and remembering where every value came from
 * (`cto config show`). Defaults depend on the installed plugins: every model they declare, enabled
 * unless the plugin says otherwise, with the fallback chains, legacy names and default CTO their
 * declarations give (src/core/providers/catalog-policy.ts). This file names no model.
 */
import type {Catalog} from '../providers/registry.js'
import {aliasTable as catalogAliases, ctoModelForProvider, defaultCtoModel, derivedFallbackChains} from '../providers/catalog-policy.js'
import type {ModelGroup} from '../providers/spec.js'
import {normaliseSandboxInput} from '../tools/policy/policy-defaults.js'
import type {ConfigLayer} from './layers.js'
import {untrustedWarning} from './trust.js'
import type {ConfigFile} from './schema.js'
import {REVIEW_DEFAULTS, type ReviewSettings} from './review-settings.js'
import {DEFAULT_CONNECT_TIMEOUT_SECONDS, DEFAULT_TEAM_SCHEMA} from '../store/store-settings.js'
import {configKeyArg, formatKey, keyWithin} from '../cli/config-key-arg.js'

export interface EffectiveModel {
  enabled: boolean
  group: ModelGroup
  has_tools?: boolean
  description?: string
  /** False when no installed plugin provides it: "plugin missing", never routed to, warned about. */
  known: boolean
}

export interface EffectiveConfig {
  cto_model: string
  model_selection_strategy: 'cost_aware' | 'cto_choice'
  models: Record<string, EffectiveModel>
  fallback_chain: Record<string, string[]>
  cost_optimization: {
    enabled: boolean
    prefer_external_for_routine: boolean
    preserve_claude_tokens: boolean
    token_budget_per_day: {claude: number; external: number}
  }
  provider_endpoints: NonNullable<ConfigFile['provider_endpoints']>
  providers: NonNullable<ConfigFile['providers']>
  engines: {
    max_turns: number
    request_timeout_seconds: number
    attempt_timeout_seconds: number
    max_retries: number
    claude_permission_mode: 'acceptEdits' | 'default' | 'plan' | 'bypassPermissions' | 'dontAsk'
  }
  tools: Record<string, unknown>
  review: ReviewSettings
  /** The performance store: `url` unset → local files. The URL holds a password: show it only through redactStoreUrl. */
  store: {url?: string; schema: string; connect_timeout_seconds: number}
}

export interface ResolvedConfig {
  config: EffectiveConfig
  /**
   * Config key → where its value came from (`default`, a file path, `CTO_MODEL`, `MODEL_PROVIDER`,
   * `flags`). Keys as `cto config get` takes them (formatKey): a name with a dot in it is in
   * brackets, `provider_endpoints["qwen2.5-coder:7b"].api_url`.
   */
  sources: Record<string, string>
  /** Legacy names mapped, and similar things worth a line. */
  notices: string[]
  /** Problems that do not stop cto (an unknown model in config, ...). */
  warnings: string[]
}

export const DEFAULT_BUDGETS = {claude: 100_000, external: 1_000_000}

/** Legacy name (lower case) → model, as the installed plugins declare them. */
export function aliasTable(catalog: Catalog): Map<string, string> {
  return catalogAliases(catalog.models)
}

/** Maps a legacy model name to its current one (case-insensitive); other names unchanged. */
export function canonicalName(name: string, aliases: Map<string, string>): string {
  return aliases.get(name.toLowerCase()) ?? name
}

function renameKeys<T>(rec: Record<string, T> | undefined, map: (k: string) => string): Record<string, T> | undefined {
  if (!rec) return rec
  return Object.fromEntries(Object.entries(rec).map(([k, v]) => [map(k), v]))
}

/** Rewrites legacy model names in one layer; reports each mapping once. */
function canonicalLayer(layer: ConfigLayer, aliases: Map<string, string>, notices: string[]): ConfigFile {
  const seen = new Set<string>()
  const map = (name: string) => {
    const c = canonicalName(name, aliases)
    if (c !== name && !seen.has(name)) {
      seen.add(name)
      notices.push(`${layer.source}: legacy model name "${name}" read as "${c}".`)
    }
    return c
  }
  const d = layer.data
  return {
    ...d,
    cto_model: d.cto_model === undefined ? undefined : map(d.cto_model),
    worker_models: d.worker_models && {
      claude: renameKeys(d.worker_models.claude, map),
      external: renameKeys(d.worker_models.external, map),
    },
    fallback_chain: d.fallback_chain && Object.fromEntries(Object.entries(d.fallback_chain).map(([k, v]) => [map(k), v.map(map)])),
    provider_endpoints: renameKeys(d.provider_endpoints, map),
    // "sandbox": "off" and an object in another layer merge field by field as {mode: …}.
    tools: d.tools && (d.tools.sandbox === undefined ? d.tools : {...d.tools, sandbox: normaliseSandboxInput(d.tools.sandbox) as typeof d.tools.sandbox}),
  }
}

type Flat = Map<string, {value: unknown; source: string}>

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}

function flatten(value: unknown, source: string, prefix: string[], out: Flat): void {
  if (isPlainObject(value) && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value)) if (v !== undefined) flatten(v, source, [...prefix, k], out)
    return
  }
  if (prefix.length > 0 && value !== undefined) out.set(JSON.stringify(prefix), {value, source})
}

function unflatten(flat: Flat): {data: Record<string, unknown>; sources: Record<string, string>} {
  const data: Record<string, unknown> = {}
  const sources: Record<string, string> = {}
  for (const [key, {value, source}] of flat) {
    const path = JSON.parse(key) as string[]
    let node = data
    for (const p of path.slice(0, -1)) {
      if (!isPlainObject(node[p])) node[p] = {}
      node = node[p] as Record<string, unknown>
    }
    node[path.at(-1) as string] = value
    sources[formatKey(path)] = source
  }
  return {data, sources}
}

/** The defaults layer, in config-file shape. */
export function defaultsFor(catalog: Catalog): ConfigFile {
  const claude = catalog.models.filter((m) => m.group === 'claude')
  const external = catalog.models.filter((m) => m.group === 'external')
  return {
    cto_model: defaultCtoModel(catalog.models),
    model_selection_strategy: 'cost_aware',
    worker_models: {
      claude: Object.fromEntries(claude.map((m) => [m.name, {enabled: m.enabledByDefault}])),
      external: Object.fromEntries(external.map((m) => [m.name, {enabled: m.enabledByDefault}])),
    },
    fallback_chain: derivedFallbackChains(catalog.models),
    cost_optimization: {
      enabled: true,
      prefer_external_for_routine: true,
      preserve_claude_tokens: true,
      token_budget_per_day: {...DEFAULT_BUDGETS},
    },
    engines: {
      max_turns: 25,
      request_timeout_seconds: 120,
      attempt_timeout_seconds: 1800,
      max_retries: 3,
      claude_permission_mode: 'acceptEdits',
    },
    review: {...REVIEW_DEFAULTS, copy_ignored: [...REVIEW_DEFAULTS.copy_ignored]},
  }
}

export function resolveConfig(layers: ConfigLayer[], catalog: Catalog, env: NodeJS.ProcessEnv): ResolvedConfig {
  const notices: string[] = []
  const warnings: string[] = []
  const aliases = aliasTable(catalog)
  const flat: Flat = new Map()
  flatten(defaultsFor(catalog), 'default', [], flat)

  // CTO_MODEL (the env layer) and a --cto flag outrank it.
  for (const layer of layers) {
    if (layer.untrusted) warnings.push(untrustedWarning(layer.source, layer.untrusted))
  }
  const ctoChosen = layers.some((l) => l.source === 'CTO_MODEL' || (l.kind === 'flags' && l.data.cto_model))
  for (const layer of layers) flatten(canonicalLayer(layer, aliases, notices), layer.source, [], flat)
  // MODEL_PROVIDER sits with the environment: above files, below CTO_MODEL and flags.
  if (env.MODEL_PROVIDER && !ctoChosen) {
    const picked = ctoModelForProvider(catalog.models, env.MODEL_PROVIDER)
    if (picked) flat.set(JSON.stringify(['cto_model']), {value: picked, source: 'MODEL_PROVIDER'})
    else warnings.push(`MODEL_PROVIDER=${env.MODEL_PROVIDER} names no installed provider; ignored.`)
  }

  const {data, sources} = unflatten(flat)
  const raw = data as ConfigFile & Record<string, unknown>

  const known = new Map(catalog.models.map((m) => [m.name, m]))
  const models: Record<string, EffectiveModel> = {}
  for (const group of ['claude', 'external'] as const) {
    for (const [name, entry] of Object.entries(raw.worker_models?.[group] ?? {})) {
      const spec = known.get(name)
      if (!spec) {
        const entryKey = formatKey(['worker_models', group, name])
        const from = Object.entries(sources).find(([k]) => keyWithin(k, entryKey))?.[1]
        warnings.push(
          `Model "${name}" in worker_models.${group}${from ? ` (${from})` : ''} is provided by no installed plugin: its plugin is missing, so it is never routed to. Install the plugin that provides it, or remove it: cto config unset ${configKeyArg('worker_models', group, name)}`,
        )
      }
      models[name] = {
        enabled: entry.enabled ?? spec?.enabledByDefault ?? true,
        group: spec?.group ?? group,
        has_tools: entry.has_tools,
        description: entry.description,
        known: Boolean(spec),
      }
    }
  }
  const names = new Set(Object.keys(models))
  for (const [from, to] of Object.entries(raw.fallback_chain ?? {})) {
    for (const n of [from, ...to]) {
      if (!names.has(n) && !known.has(n)) warnings.push(`${formatKey(['fallback_chain', from])} names "${n}", which is no known model.`)
    }
  }
  const cto = raw.cto_model ?? ''
  if (cto === '') warnings.push('No installed plugin offers a model that can be the CTO: set one with "cto config set cto_model <model>".')
  else if (!known.has(cto)) {
    // Where it was set decides the fix: a file's key, or the variable.
    const from = sources.cto_model ?? ''
    const kind = layers.find((l) => l.source === from)?.kind
    const fix =
      from === 'CTO_MODEL' || from === 'MODEL_PROVIDER'
        ? `unset ${from}, or set it to a model "cto models list" shows`
        : kind === 'flags'
          ? 'pass --cto a model "cto models list" shows'
          : kind === 'user'
            ? `choose another: "cto config set cto_model MODEL" (see "cto models list"), or "cto config unset cto_model" for the default`
            : `change cto_model in ${from} to a model "cto models list" shows`
    warnings.push(`cto_model "${cto}" (${from || 'config'}) is ${names.has(cto) ? 'a model whose plugin is missing: install its plugin, or' : 'no known model:'} ${fix}. Until then the local heuristic classifies tasks.`)
  }

  const co = raw.cost_optimization ?? {}
  const eng = raw.engines ?? {}
  const config: EffectiveConfig = {
    cto_model: cto,
    model_selection_strategy: raw.model_selection_strategy ?? 'cost_aware',
    models,
    fallback_chain: raw.fallback_chain ?? {},
    cost_optimization: {
      enabled: co.enabled ?? true,
      prefer_external_for_routine: co.prefer_external_for_routine ?? true,
      preserve_claude_tokens: co.preserve_claude_tokens ?? true,
      token_budget_per_day: {
        claude: co.token_budget_per_day?.claude ?? DEFAULT_BUDGETS.claude,
        external: co.token_budget_per_day?.external ?? DEFAULT_BUDGETS.external,
      },
    },
    provider_endpoints: raw.provider_endpoints ?? {},
    providers: raw.providers ?? {},
    engines: {
      max_turns: eng.max_turns ?? 25,
      request_timeout_seconds: eng.request_timeout_seconds ?? 120,
      attempt_timeout_seconds: eng.attempt_timeout_seconds ?? 1800,
      max_retries: eng.max_retries ?? 3,
      claude_permission_mode: eng.claude_permission_mode ?? 'acceptEdits',
    },
    tools: (raw.tools as Record<string, unknown>) ?? {},
    review: {
      verify: raw.review?.verify ?? null,
      verify_timeout_seconds: raw.review?.verify_timeout_seconds ?? REVIEW_DEFAULTS.verify_timeout_seconds,
      in_place: raw.review?.in_place ?? REVIEW_DEFAULTS.in_place,
      copy_ignored: raw.review?.copy_ignored ?? [...REVIEW_DEFAULTS.copy_ignored],
    },
    store: {
      ...(raw.store?.url ? {url: raw.store.url} : {}),
      schema: raw.store?.schema ?? DEFAULT_TEAM_SCHEMA,
      connect_timeout_seconds: raw.store?.connect_timeout_seconds ?? DEFAULT_CONNECT_TIMEOUT_SECONDS,
    },
  }
  return {config, sources, notices, warnings}
}
