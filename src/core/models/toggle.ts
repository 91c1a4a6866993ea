import {findModel, providerSettings, type CtoContext} from '../context.js'
import {setConfigValue} from '../config/edit.js'
import {CtoError} from '../errors.js'
import {userConfigPath} from '../paths.js'
import {hasUsableKey} from './resolve-models.js'
import type {Catalog} from '../providers/registry.js'
import {configKeyArg} from '../cli/config-key-arg.js'

export interface ModelToggleResult {
  model: string
  enabled: boolean
  file: string
  changed: boolean
  /** Set when a file with higher precedence still decides otherwise. */
  overridden_by?: string
  /** Enabled, but it has no key yet (the message says how to give it one). */
  key_missing?: boolean
  message: string
}

export interface ToggleOptions {
  /** Collects the providers with these plugin settings (the CLI: collectProviders on its oclif config). */
  collect: (settings: Record<string, Record<string, unknown>>) => Promise<Catalog>
}

/**
 * Sets `worker_models.<group>.<model>.enabled` in the user config, creating the file if needed.
 * A model that exists only through a project config's plugin settings (a project's Ollama models)
 * is refused: written to the user config, it would be a model no plugin provides everywhere else.
 */
export async function setModelEnabled(ctx: CtoContext, name: string, enabled: boolean, opts: ToggleOptions): Promise<ModelToggleResult> {
  const model = findModel(ctx, name)
  const above = ctx.layers.filter((l) => l.kind !== 'user' && Object.keys(l.data.providers ?? {}).length > 0)
  if (above.length > 0) {
    const userOnly = await opts.collect(providerSettings(ctx.layers.filter((l) => l.kind === 'user')))
    if (!userOnly.models.some((m) => m.name === model.name)) {
      const from = above.filter((l) => l.data.providers?.[model.providerName] !== undefined).at(-1) ?? above.at(-1)
      throw new CtoError({
        code: 'MODEL_FROM_PROJECT_CONFIG',
        message: `${model.name} comes from providers.${model.providerName} in ${from?.source}: your user config is not changed, since outside that project no plugin provides ${model.name}.`,
        actions: [`Set ${configKeyArg('worker_models', model.group, model.name, 'enabled')} to ${enabled} in ${from?.source} (then "cto config trust" there), or add it to providers.${model.providerName} in your user config.`],
      })
    }
  }
  const file = userConfigPath(ctx.env)
  const edit = await setConfigValue(file, ['worker_models', model.group, model.name, 'enabled'], enabled)
  const verb = enabled ? 'enabled' : 'disabled'
  let message = edit.changed ? `${model.name} ${verb} in ${file}` : `${model.name} was already ${verb} in ${file}`
  // A project config, ORCHESTRATOR_CONFIG file or flag above the user config may still say otherwise.
  const higher = ctx.layers.filter((l) => l.kind !== 'user' && l.data.worker_models?.[model.group]?.[model.name]?.enabled !== undefined)
  const last = higher.at(-1)
  const overridden = last && last.data.worker_models?.[model.group]?.[model.name]?.enabled !== enabled ? last.source : undefined
  if (overridden) message += `\nNote: ${overridden} sets it ${enabled ? 'disabled' : 'enabled'} and takes precedence.`
  // Enabled is not usable: say what it still needs.
  const keyMissing = enabled && !hasUsableKey(model)
  if (keyMissing) message += `\nIt has no key yet: "cto keys set ${model.name}"${model.keyEnvVar ? ` or set ${model.keyEnvVar}` : ''}.`
  return {model: model.name, enabled, file, changed: edit.changed, overridden_by: overridden, ...(keyMissing ? {key_missing: true} : {}), message}
}
