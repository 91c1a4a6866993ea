import {findModel, type CtoContext} from '../context.js'
import {setConfigValue} from '../config/edit.js'
import {userConfigPath} from '../paths.js'

export interface ModelToggleResult {
  model: string
  enabled: boolean
  file: string
  changed: boolean
  /** Set when a file with higher precedence still decides otherwise. */
  overridden_by?: string
  message: string
}

/** Sets `worker_models.<group>.<model>.enabled` in the user config, creating the file if needed. */
export async function setModelEnabled(ctx: CtoContext, name: string, enabled: boolean): Promise<ModelToggleResult> {
  const model = findModel(ctx, name)
  const file = userConfigPath(ctx.env)
  const edit = await setConfigValue(file, ['worker_models', model.group, model.name, 'enabled'], enabled)
  const verb = enabled ? 'enabled' : 'disabled'
  let message = edit.changed ? `${model.name} ${verb} in ${file}` : `${model.name} was already ${verb} in ${file}`
  // A project config, ORCHESTRATOR_CONFIG file or flag above the user config may still say otherwise.
  const higher = ctx.layers.filter((l) => l.kind !== 'user' && l.data.worker_models?.[model.group]?.[model.name]?.enabled !== undefined)
  const last = higher.at(-1)
  const overridden = last && last.data.worker_models?.[model.group]?.[model.name]?.enabled !== enabled ? last.source : undefined
  if (overridden) message += `\nNote: ${overridden} sets it ${enabled ? 'disabled' : 'enabled'} and takes precedence.`
  return {model: model.name, enabled, file, changed: edit.changed, overridden_by: overridden, message}
}
