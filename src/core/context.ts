/**
 * Everything a command needs to know about the user's setup, loaded afresh for each command:
 * config layers → plugins' providers → effective config → models with endpoints and keys.
 */
import type {Config} from '@oclif/core'
import {readConfigLayers, type ConfigLayer} from './config/layers.js'
import {resolveConfig, type EffectiveConfig} from './config/effective.js'
import type {ConfigFile} from './config/schema.js'
import {collectProviders, type Catalog} from './providers/registry.js'
import {resolveModels} from './providers/models.js'
import type {ResolvedModel} from './providers/resolve.js'
import {NoSuchModelError} from './errors.js'
import {suggest} from './cli/did-you-mean.js'

export interface CtoContext {
  config: EffectiveConfig
  sources: Record<string, string>
  layers: ConfigLayer[]
  catalog: Catalog
  models: ResolvedModel[]
  notices: string[]
  warnings: string[]
  env: NodeJS.ProcessEnv
  cwd: string
}

export interface LoadContextOptions {
  oclif: Config
  cwd?: string
  env?: NodeJS.ProcessEnv
  flags?: ConfigFile
}

export async function loadContext(opts: LoadContextOptions): Promise<CtoContext> {
  const env = opts.env ?? process.env
  const cwd = opts.cwd ?? process.cwd()
  const layers = await readConfigLayers({cwd, env, flags: opts.flags})
  // Plugins see the merged `providers` settings (e.g. Ollama's model list), highest layer winning.
  const settings: Record<string, Record<string, unknown>> = {}
  for (const l of layers) for (const [k, v] of Object.entries(l.data.providers ?? {})) settings[k] = {...settings[k], ...v}
  const catalog = await collectProviders(opts.oclif, {settings})
  const resolved = resolveConfig(layers, catalog, env)
  const {models, warnings} = await resolveModels(resolved.config, catalog, env)
  return {
    config: resolved.config,
    sources: resolved.sources,
    layers,
    catalog,
    models,
    notices: [...catalog.notices, ...resolved.notices],
    warnings: [...resolved.warnings, ...warnings],
    env,
    cwd,
  }
}

/** Finds a model by name or legacy alias; unknown → NoSuchModelError with a suggestion. */
export function findModel(ctx: CtoContext, name: string): ResolvedModel {
  const lower = name.toLowerCase()
  const hit =
    ctx.models.find((m) => m.name === lower) ?? ctx.models.find((m) => (m.aliases ?? []).some((a) => a.toLowerCase() === lower))
  if (hit) return hit
  const plugin = knownFirstPartyPlugin(lower)
  if (plugin) throw new NoSuchModelError(name, {plugin})
  throw new NoSuchModelError(name, {suggestion: suggest(lower, ctx.models.map((m) => m.name))})
}

/** Models whose first-party plugin a user may have uninstalled: say which plugin brings them back. */
const FIRST_PARTY: Record<string, string> = {
  haiku: 'claude',
  sonnet: 'claude',
  opus: 'claude',
  deepseek: 'deepseek',
  minimax: 'minimax',
  'gpt-4': 'openai',
  kimi: 'kimi',
  glm: 'glm',
  gemini: 'gemini',
}

export function knownFirstPartyPlugin(model: string): string | undefined {
  const p = FIRST_PARTY[model]
  return p ? `@cto-cli/provider-${p}` : undefined
}
