/**
 * Collecting providers from plugins. Every installed plugin may answer the `cto:providers` hook;
 * a hook that throws, times out or returns something that isn't a v1 provider is reported as
 * broken, and the CLI goes on without it (the pattern of sf-plugins-core's SfHook.run).
 */
import type {Config} from '@oclif/core'
import {z} from 'zod'
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

const modelSpecSchema = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9._:/-]*$/, 'lower case letters, digits and . _ : / -'),
  provider: z.string().min(1),
  engine: z.enum(ENGINE_KINDS),
  group: z.enum(['claude', 'external']),
  modelId: z.string().min(1),
  baseURL: z.string().optional(),
  keyEnvVar: z.string().optional(),
  needsKey: z.boolean(),
  supportsTools: z.boolean(),
  contextWindow: z.number().int().positive(),
  pricing: z.object({inputPerMTok: z.number().nonnegative(), outputPerMTok: z.number().nonnegative()}),
  goodFor: z.array(z.enum(TASK_TYPES)),
  description: z.string(),
  enabledByDefault: z.boolean(),
  aliases: z.array(z.string()).optional(),
})

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
    const r = modelSpecSchema.safeParse(m)
    if (!r.success) {
      const issue = r.error.issues[0]
      return {ok: false, reason: `model ${i} (${(m as {name?: string})?.name ?? '?'}): ${issue.path.join('.')}: ${issue.message}`}
    }
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
