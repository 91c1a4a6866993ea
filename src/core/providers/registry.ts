/**
 * Collecting providers from plugins. Every installed plugin may answer the `cto:providers` hook
 * with definitions in spec v1 or v2 (`@cto-cli/provider-spec`). A plugin whose hook module fails
 * to load, throws, takes longer than the timeout (loading included), or answers something that
 * isn't a valid definition is reported as broken, and the CLI goes on without it (the pattern of
 * sf-plugins-core's SfHook.run). Hooks run here rather than through oclif's runHook: its timeout
 * covers the call but not the import of the hook's module, so a module that never finishes loading
 * held every command. A timer or socket a plugin leaves behind can't keep the process alive either:
 * bin/run.js exits once the command is done.
 */
import type {Config, Interfaces} from '@oclif/core'
import {join} from 'node:path'
import {factories} from './factories.js'
import {loadFailureReason} from '../plugins/load-failure.js'
import {
  ENGINE_KINDS,
  SPECIFICATION_VERSION,
  SUPPORTED_SPECIFICATION_VERSIONS,
  TASK_TYPES,
  TIERS,
  type ModelSpec,
  type ProvidersHookOptions,
} from './spec.js'

export interface CatalogModel extends ModelSpec {
  /** The npm package of the plugin that declared it. */
  plugin: string
  /** `core` (comes with cto), `user` (installed) or `link` (linked). */
  pluginType: string
  /** The provider definition's name: `cto keys set <providerName>`, config key `providers.<providerName>`. */
  providerName: string
  /** The spec the plugin answered in. */
  specificationVersion: string
}

export interface PluginReport {
  name: string
  version: string
  type: string
  providers: string[]
  models: string[]
  specification_version: string
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

export const HOOK_EVENT = 'cto:providers'
export const DEFAULT_HOOK_TIMEOUT_MS = 3000

/**
 * Checks one declared model. Hand-written rather than zod: this runs on every command, and zod's
 * import alone costs more than the rest of start-up (see bench/startup.ts).
 */
export function modelSpecProblem(m: unknown, version: string = SPECIFICATION_VERSION): string | undefined {
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
  if (version === 'v1') return undefined
  if (o.tier !== undefined && !TIERS.includes(o.tier as never)) return `tier: one of ${TIERS.join(', ')} expected`
  if (o.escalatesTo !== undefined && (typeof o.escalatesTo !== 'string' || o.escalatesTo === o.name)) return 'escalatesTo: the name of another model expected'
  for (const k of ['protected', 'canBeCto']) if (o[k] !== undefined && !bool(k)) return `${k}: a boolean expected`
  return undefined
}

type Checked = {ok: true; provider: string; version: string; models: ModelSpec[]} | {ok: false; reason: string}

/** v1 has none of v2's policy fields: a v1 model that happens to carry one is read as v1 says. */
const V2_ONLY = ['tier', 'escalatesTo', 'protected', 'canBeCto'] as const

function checkDefinition(value: unknown): Checked {
  if (value === null || typeof value !== 'object') return {ok: false, reason: 'the cto:providers hook returned no provider definition'}
  const d = value as Record<string, unknown>
  const version = d.specificationVersion
  if (!SUPPORTED_SPECIFICATION_VERSIONS.includes(version as never)) {
    return {
      ok: false,
      reason: `written for provider spec ${JSON.stringify(version ?? 'unknown')}; this cto supports ${SUPPORTED_SPECIFICATION_VERSIONS.map((v) => `"${v}"`).join(' and ')}. Update the plugin or cto.`,
    }
  }
  if (typeof d.name !== 'string' || d.name.length === 0) return {ok: false, reason: 'provider definition has no name'}
  for (const k of ['baseURL', 'keyEnvVar']) if (d[k] !== undefined && typeof d[k] !== 'string') return {ok: false, reason: `provider ${d.name}: ${k}: a string expected`}
  if (!Array.isArray(d.models)) return {ok: false, reason: 'provider definition has no models array'}
  const models: ModelSpec[] = []
  for (const [i, raw] of d.models.entries()) {
    // v2: the provider's key variable and base URL are its models' defaults.
    const m = raw !== null && typeof raw === 'object' ? {keyEnvVar: d.keyEnvVar, baseURL: d.baseURL, ...(raw as object)} : raw
    const problem = modelSpecProblem(m, version as string)
    if (problem) return {ok: false, reason: `model ${i} (${(raw as {name?: string})?.name ?? '?'}): ${problem}`}
    const spec = {...(m as ModelSpec)}
    if (version === 'v1') for (const k of V2_ONLY) delete spec[k]
    models.push(spec)
  }
  return {ok: true, provider: d.name, version: version as string, models}
}

export interface CollectOptions {
  /** Plugin settings from config key `providers`. */
  settings?: Record<string, Record<string, unknown>>
  /** Per-plugin timeout, loading its hook module included. */
  timeoutMs?: number
}

type HookOutcome = {plugin: Interfaces.Plugin; ok: true; values: unknown[]} | {plugin: Interfaces.Plugin; ok: false; reason: string}

/** A plugin's own error says what to do; anything else is its message. */
function failureReason(error: unknown): string {
  if (error !== null && typeof error === 'object') {
    const e = error as {message?: unknown; actions?: unknown}
    const message = typeof e.message === 'string' ? e.message : String(error)
    const actions = Array.isArray(e.actions) ? e.actions.filter((a): a is string => typeof a === 'string') : []
    return [message, ...actions].join(' ')
  }
  return String(error)
}

/** Loads and calls one plugin's hooks, all of it within the timeout. */
async function runPluginHooks(plugin: Interfaces.Plugin, config: Config, options: ProvidersHookOptions, timeoutMs: number): Promise<HookOutcome> {
  const {ModuleLoader} = await import('@oclif/core')
  const run = async (): Promise<unknown[]> => {
    const values: unknown[] = []
    for (const hook of plugin.hooks[HOOK_EVENT] ?? []) {
      const {module} = await ModuleLoader.loadWithData(plugin, join(plugin.root, hook.target))
      const m = module as Record<string, unknown>
      const fn = m[hook.identifier] ?? (hook.identifier === 'default' ? Object.values(m).find((v) => typeof v === 'function') : undefined)
      if (typeof fn !== 'function') throw new Error(`its ${HOOK_EVENT} hook (${hook.target}) exports no function`)
      const context = {config, debug: () => {}, log: () => {}, warn: () => {}, error: (message: string) => { throw new Error(message) }, exit: () => { throw new Error('the hook called exit()') }}
      values.push(await fn.call(context, {...options, config, context}))
    }
    return values
  }
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    // Not unref'd: a hook that awaits nothing real would otherwise let Node find an empty event loop and quit (exit 13) before the timeout reports the plugin.
    timer = setTimeout(() => reject(new Error(`Timed out after ${timeoutMs} ms: its ${HOOK_EVENT} hook did not answer.`)), timeoutMs)
  })
  try {
    return {plugin, ok: true, values: await Promise.race([run(), timeout])}
  } catch (error) {
    const reason = failureReason(error)
    return {plugin, ok: false, reason: loadFailureReason(plugin, reason) ?? reason}
  } finally {
    clearTimeout(timer)
  }
}

export async function collectProviders(config: Config, opts: CollectOptions = {}): Promise<Catalog> {
  const hookOptions: ProvidersHookOptions = {
    specificationVersion: SPECIFICATION_VERSION,
    supportedSpecificationVersions: SUPPORTED_SPECIFICATION_VERSIONS,
    factories,
    settings: (name) => opts.settings?.[name],
  }
  const timeoutMs = opts.timeoutMs ?? DEFAULT_HOOK_TIMEOUT_MS
  const plugins = config.getPluginsList().filter((p) => (p.hooks[HOOK_EVENT] ?? []).length > 0)
  const outcomes = await Promise.all(plugins.map((p) => runPluginHooks(p, config, hookOptions, timeoutMs)))
  const catalog: Catalog = {models: [], plugins: [], broken: [], notices: []}
  const byName = new Map<string, CatalogModel>()
  outcomes.sort((a, b) => rank(a.plugin.type) - rank(b.plugin.type) || a.plugin.name.localeCompare(b.plugin.name))
  for (const outcome of outcomes) {
    const {plugin} = outcome
    if (!outcome.ok) {
      catalog.broken.push({name: plugin.name, version: plugin.version, reason: outcome.reason})
      continue
    }
    const defs = outcome.values.flatMap((v) => (Array.isArray(v) ? v : [v]))
    const checked = defs.map((d) => checkDefinition(d))
    const bad = checked.find((c) => !c.ok)
    if (bad && !bad.ok) {
      catalog.broken.push({name: plugin.name, version: plugin.version, reason: bad.reason})
      continue
    }
    const report: PluginReport = {name: plugin.name, version: plugin.version, type: plugin.type, providers: [], models: [], specification_version: ''}
    for (const c of checked) {
      if (!c.ok) continue
      report.providers.push(c.provider)
      report.specification_version = c.version
      for (const m of c.models) {
        const prior = byName.get(m.name)
        if (prior) catalog.notices.push(`Model ${m.name} from ${plugin.name} replaces the one from ${prior.plugin}.`)
        byName.set(m.name, {...m, plugin: plugin.name, pluginType: plugin.type, providerName: c.provider, specificationVersion: c.version})
        report.models.push(m.name)
      }
    }
    catalog.plugins.push(report)
  }
  catalog.models = [...byName.values()]
  return catalog
}

/** Core plugins first, then user-installed and linked ones, so a user's plugin can replace a model. */
function rank(type: string): number {
  return type === 'core' ? 0 : type === 'user' ? 1 : type === 'link' ? 2 : 1
}
