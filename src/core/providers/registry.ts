/**
 * Collecting providers from plugins. Every installed plugin may answer the `cto:providers` hook;
 * a hook that throws, times out or returns something that isn't a v1 provider is reported as
 * broken, and the CLI goes on without it (the pattern of sf-plugins-core's SfHook.run).
 */
import type {Config} from '@oclif/core'
import {factories} from './factories.js'
import {ENGINE_KINDS, SPECIFICATION_VERSION, TASK_TYPES, type ModelSpec, type ProviderDefinition, type ProvidersHookOptions} from './spec.js'

export interface CatalogModel extends ModelSpec {
  /** The npm package of the plugin that declared it. */
  plugin: string
}

export interface PluginReport {
  name: string
  version: string
  type: string
  providers: string[]
  models: string[]
}

export interface BrokenPlugin {
  name: string
  version?: string
  reason: string
}

export interface Catalog {
  models: CatalogModel[]
  plugins: PluginReport[]
  broken: BrokenPlugin[]
  /** Things worth telling the user (a model declared twice, ...). */
  notices: string[]
}

/**
 * Checks one declared model. Hand-written rather than zod: this runs on every command, and zod's
 * import alone costs more than the rest of start-up (see bench/startup.ts).
 */
export function modelSpecProblem(m: unknown): string | undefined {
  if (m === null || typeof m !== 'object') return 'not an object'
  const o = m as Record<string, unknown>
  const str = (k: string) => typeof o[k] === 'string' && (o[k] as string).length > 0
  const bool = (k: string) => typeof o[k] === 'boolean'
  if (!str('name') || !/^[a-z0-9][a-z0-9._:/-]*$/.test(o.name as string)) return 'name: lower case letters, digits and . _ : / - expected'
  for (const k of ['provider', 'modelId']) if (!str(k)) return `${k}: a non-empty string expected`
  for (const k of ['baseURL', 'keyEnvVar']) if (o[k] !== undefined && typeof o[k] !== 'string') return `${k}: a string expected`
  if (!ENGINE_KINDS.includes(o.engine as never)) return `engine: one of ${ENGINE_KINDS.join(', ')} expected`
  if (o.group !== 'claude' && o.group !== 'external') return 'group: claude or external expected'
  for (const k of ['needsKey', 'supportsTools', 'enabledByDefault']) if (!bool(k)) return `${k}: a boolean expected`
  if (!Number.isInteger(o.contextWindow) || (o.contextWindow as number) <= 0) return 'contextWindow: a positive integer expected'
  const p = o.pricing as Record<string, unknown> | undefined
  const price = (v: unknown) => typeof v === 'number' && v >= 0 && Number.isFinite(v)
  if (!p || !price(p.inputPerMTok) || !price(p.outputPerMTok)) return 'pricing: {inputPerMTok, outputPerMTok} non-negative numbers expected'
  if (!Array.isArray(o.goodFor) || o.goodFor.some((t) => !TASK_TYPES.includes(t as never))) return `goodFor: task types (${TASK_TYPES.join(', ')}) expected`
  if (typeof o.description !== 'string') return 'description: a string expected'
  if (o.aliases !== undefined && (!Array.isArray(o.aliases) || o.aliases.some((a) => typeof a !== 'string'))) return 'aliases: strings expected'
  return undefined
}

function checkDefinition(value: unknown): {ok: true; def: ProviderDefinition} | {ok: false; reason: string} {
  if (value === null || typeof value !== 'object') return {ok: false, reason: 'the cto:providers hook returned no provider definition'}
  const v = (value as {specificationVersion?: unknown}).specificationVersion
  if (v !== SPECIFICATION_VERSION) {
    return {
      ok: false,
      reason: `written for provider spec ${JSON.stringify(v ?? 'unknown')}; this cto supports "${SPECIFICATION_VERSION}". Update the plugin or cto.`,
    }
  }
  const models = (value as {models?: unknown}).models
  if (!Array.isArray(models)) return {ok: false, reason: 'provider definition has no models array'}
  for (const [i, m] of models.entries()) {
    const problem = modelSpecProblem(m)
    if (problem) return {ok: false, reason: `model ${i} (${(m as {name?: string})?.name ?? '?'}): ${problem}`}
  }
  return {ok: true, def: value as ProviderDefinition}
}

export interface CollectOptions {
  /** Plugin settings from config key `providers`. */
  settings?: Record<string, Record<string, unknown>>
  /** Per-hook timeout. */
  timeoutMs?: number
}

export async function collectProviders(config: Config, opts: CollectOptions = {}): Promise<Catalog> {
  const hookOptions: ProvidersHookOptions = {
    specificationVersion: SPECIFICATION_VERSION,
    factories,
    settings: (plugin) => opts.settings?.[plugin],
  }
  const timeoutMs = opts.timeoutMs ?? 3000
  // oclif's hook timeout timer is unref'd: with a hook that awaits nothing real, Node would see an
  // empty event loop and exit (code 13) before the timeout reports the plugin. Hold the loop open.
  const keepAlive = setTimeout(() => {}, timeoutMs + 1000)
  const result = await config.runHook('cto:providers', hookOptions as never, timeoutMs, true).finally(() => clearTimeout(keepAlive))
  const catalog: Catalog = {models: [], plugins: [], broken: [], notices: []}
  const byName = new Map<string, CatalogModel>()
  const successes = [...result.successes].sort((a, b) => rank(a.plugin.type) - rank(b.plugin.type) || a.plugin.name.localeCompare(b.plugin.name))
  for (const {plugin, result: value} of successes) {
    const defs = Array.isArray(value) ? value : [value]
    const checked = defs.map((d) => checkDefinition(d))
    const bad = checked.find((c) => !c.ok)
    if (bad && !bad.ok) {
      catalog.broken.push({name: plugin.name, version: plugin.version, reason: bad.reason})
      continue
    }
    const report: PluginReport = {name: plugin.name, version: plugin.version, type: plugin.type, providers: [], models: []}
    for (const c of checked) {
      if (!c.ok) continue
      report.providers.push(c.def.name)
      for (const m of c.def.models) {
        const prior = byName.get(m.name)
        if (prior) catalog.notices.push(`Model ${m.name} from ${plugin.name} replaces the one from ${prior.plugin}.`)
        byName.set(m.name, {...m, plugin: plugin.name})
        report.models.push(m.name)
      }
    }
    catalog.plugins.push(report)
  }
  for (const {plugin, error} of result.failures) {
    catalog.broken.push({name: plugin.name, version: plugin.version, reason: (error as Error)?.message ?? String(error)})
  }
  catalog.models = [...byName.values()]
  return catalog
}

/** Core plugins first, then user-installed and linked ones, so a user's plugin can replace a model. */
function rank(type: string): number {
  return type === 'core' ? 0 : type === 'user' ? 1 : type === 'link' ? 2 : 1
}
