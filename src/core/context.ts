/**
 * Everything a command needs to know about the user's setup, loaded afresh for each command:
 * config layers → plugins' providers → effective config → models with endpoints and keys.
 */
import type {Config} from '@oclif/core'
import {readConfigLayers, type ConfigLayer} from './config/layers.js'
import {resolveConfig, type EffectiveConfig} from './config/effective.js'
import type {ConfigFile} from './config/schema.js'
import {collectProviders, type Catalog} from './providers/registry.js'
import {resolveModels, type MissingModel} from './models/resolve-models.js'
import type {ResolvedModel} from './providers/resolve.js'
import {NoSuchModelError, PluginMissingError} from './errors.js'
import {suggest} from './cli/did-you-mean.js'

export interface CtoContext {
  config: EffectiveConfig
  sources: Record<string, string>
  layers: ConfigLayer[]
  catalog: Catalog
  models: ResolvedModel[]
  /** Models the config names whose plugin is not installed: shown as "plugin missing", never used. */
  missing: MissingModel[]
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
  /** See ReadLayersOptions.skipInvalidUserConfig. */
  skipInvalidUserConfig?: boolean
}

export async function loadContext(opts: LoadContextOptions): Promise<CtoContext> {
  const env = opts.env ?? process.env
  const cwd = opts.cwd ?? process.cwd()
  const layers = await readConfigLayers({cwd, env, flags: opts.flags, skipInvalidUserConfig: opts.skipInvalidUserConfig})
  const catalog = await collectProviders(opts.oclif, {settings: providerSettings(layers)})
  const resolved = resolveConfig(layers, catalog, env)
  const {models, missing, warnings} = await resolveModels(resolved.config, catalog, env, resolved.sources)
  return {
    config: resolved.config,
    sources: resolved.sources,
    layers,
    catalog,
    models,
    missing,
    notices: [...catalog.notices, ...resolved.notices],
    warnings: [...resolved.warnings, ...warnings],
    env,
    cwd,
  }
}

/** The merged `providers` settings plugins see (e.g. Ollama's model list), highest layer winning. */
export function providerSettings(layers: readonly ConfigLayer[]): Record<string, Record<string, unknown>> {
  const settings: Record<string, Record<string, unknown>> = {}
  for (const l of layers) for (const [k, v] of Object.entries(l.data.providers ?? {})) settings[k] = {...settings[k], ...v}
  return settings
}

/**
 * Finds a model by name or legacy alias. A name the config keeps for a model whose plugin is
 * missing → PluginMissingError (exit 1); anything else unknown → NoSuchModelError with a suggestion.
 */
export function findModel(ctx: Pick<CtoContext, 'models' | 'missing'>, name: string): ResolvedModel {
  const lower = name.toLowerCase()
  const hit =
    ctx.models.find((m) => m.name === lower) ?? ctx.models.find((m) => (m.aliases ?? []).some((a) => a.toLowerCase() === lower))
  if (hit) return hit
  const missing = ctx.missing.find((m) => m.name === lower)
  if (missing) throw new PluginMissingError(missing.name, {group: missing.group, source: missing.source})
  throw new NoSuchModelError(name, {suggestion: suggest(lower, ctx.models.map((m) => m.name))})
}
