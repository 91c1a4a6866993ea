/**
 * What `cto keys set NAME` sets: a provider's key, used by all its models (`cto keys set deepseek`,
 * `cto keys set claude`), or one model's own key, which takes precedence over its provider's
 * (`cto keys set haiku`). A name that is both (a provider whose model has its name) is the provider.
 */
import {findModel, type CtoContext} from '../context.js'
import {NoSuchModelError} from '../errors.js'
import {suggest} from '../cli/did-you-mean.js'
import {modelKeyPath, providerKeyPath} from '../models/resolve-models.js'
import type {ResolvedModel} from '../providers/resolve.js'

export interface KeyTarget {
  scope: 'provider' | 'model'
  /** The provider's or the model's name. */
  name: string
  /** The file the key goes to (mode 0600). */
  path: string
  /** The models the key is for. */
  models: ResolvedModel[]
  /** The agent config's `provider` field when the file is new. */
  kind: 'anthropic' | 'openai'
}

export function keyTarget(ctx: Pick<CtoContext, 'models' | 'missing' | 'config' | 'env'>, name: string): KeyTarget {
  const lower = name.toLowerCase()
  const own = ctx.models.filter((m) => m.providerName.toLowerCase() === lower)
  const models = own.length > 0 ? own : ctx.models.filter((m) => m.provider.toLowerCase() === lower)
  const first = models[0]
  if (first) {
    return {scope: 'provider', name: first.providerName, path: providerKeyPath(first.providerName, ctx.env), models, kind: first.engine === 'claude-cli' ? 'anthropic' : 'openai'}
  }
  const model = findModelOrProvider(ctx, name)
  return {scope: 'model', name: model.name, path: modelKeyPath(model.name, ctx.config, ctx.env), models: [model], kind: model.engine === 'claude-cli' ? 'anthropic' : 'openai'}
}

/** A model by name, or the unknown-name error for a provider or model: the closest of both is suggested. */
function findModelOrProvider(ctx: Pick<CtoContext, 'models' | 'missing'>, name: string): ResolvedModel {
  try {
    return findModel(ctx, name)
  } catch (error) {
    if (!(error instanceof NoSuchModelError)) throw error
    const providers = [...new Set(ctx.models.map((m) => m.providerName))]
    const names = [...new Set([...providers, ...ctx.models.flatMap((m) => [m.provider, m.name])])]
    throw new NoSuchModelError(name, {
      what: 'model or provider',
      suggestion: suggest(name.toLowerCase(), names),
      actions: [`Providers: ${providers.join(', ')}. See the models with "cto keys list", and the installed plugins with "cto plugins".`],
    })
  }
}

/** The models of a provider key that will not use it: an environment variable or their own key comes first. */
export function shadowedModels(target: KeyTarget, env: NodeJS.ProcessEnv): Array<{model: string; by: string}> {
  const out: Array<{model: string; by: string}> = []
  for (const m of target.models) {
    if (m.keyEnvVar && env[m.keyEnvVar]) out.push({model: m.name, by: m.keyEnvVar})
    else if (target.scope === 'provider' && m.keySource.kind === 'agent-config' && m.keySource.scope === 'model' && m.keySource.path !== target.path) out.push({model: m.name, by: m.keySource.path})
  }
  return out
}
