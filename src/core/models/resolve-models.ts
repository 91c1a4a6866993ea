/**
 * Resolving every model the user can use: the plugin's spec, the effective config, the endpoint and
 * the key. Keys and endpoints belong to a provider, with per-model overrides. Precedence, highest
 * first (documented in the README):
 * - key: the provider's environment variable (e.g. DEEPSEEK_API_KEY) → `api_key` in the model's
 *   agent config (`provider_endpoints.<m>.config_path`, default `~/agents/<model>/config.json`) →
 *   `api_key` in the provider's (`~/agents/<provider>/config.json`, what `cto keys set <provider>` writes);
 * - endpoint: `provider_endpoints.<m>.api_url` → the model's agent config `api_url` →
 *   `providers.<provider>.base_url` → the plugin's default;
 * - model id: `provider_endpoints.<m>.model_id` → the model's agent config → the plugin's;
 * - tool support: `worker_models.*.<m>.has_tools` → the agent config's `supports_tools` → the plugin.
 * A model named in config that no installed plugin provides is not a model here: it is listed as
 * missing ("plugin missing"), so it can't be routed to, offered to the CTO or priced.
 */
import type {EffectiveConfig} from '../config/effective.js'
import {agentConfigPath} from '../paths.js'
import {expandHome, normaliseBaseURL, readAgentConfig, type AgentConfigRead} from '../keys/agent-config.js'
import type {Catalog} from '../providers/registry.js'
import type {ModelGroup} from '../providers/spec.js'
import type {ResolvedModel} from '../providers/resolve.js'
import {formatKey, keyWithin} from '../cli/config-key-arg.js'

/** A model in config whose plugin is not installed (uninstalled, or never installed). */
export interface MissingModel {
  name: string
  group: ModelGroup
  enabled: boolean
  /** The config file that names it. */
  source: string | null
}

export interface ResolvedModels {
  models: ResolvedModel[]
  missing: MissingModel[]
  warnings: string[]
}

/** Where a provider's own key is kept: `cto keys set <provider>` writes it. */
export function providerKeyPath(provider: string, env: NodeJS.ProcessEnv): string {
  return agentConfigPath(provider, env)
}

/** Where a model's own key (and endpoint) is kept: `cto keys set <model>`, the original system's place. */
export function modelKeyPath(model: string, config: Pick<EffectiveConfig, 'provider_endpoints'>, env: NodeJS.ProcessEnv): string {
  const custom = config.provider_endpoints[model]?.config_path
  return custom ? expandHome(custom, env) : agentConfigPath(model, env)
}

export async function resolveModels(config: EffectiveConfig, catalog: Catalog, env: NodeJS.ProcessEnv, sources: Record<string, string> = {}): Promise<ResolvedModels> {
  const warnings: string[] = []
  // One read per file: a provider and its only model often share one (`~/agents/deepseek/config.json`).
  const reads = new Map<string, Promise<AgentConfigRead>>()
  const read = (path: string) => {
    let r = reads.get(path)
    if (!r) {
      r = readAgentConfig(path)
      reads.set(path, r)
    }
    return r
  }
  const models = await Promise.all(
    catalog.models.map(async (spec): Promise<ResolvedModel> => {
      const endpoint = config.provider_endpoints[spec.name] ?? {}
      const modelPath = modelKeyPath(spec.name, config, env)
      const providerPath = providerKeyPath(spec.providerName, env)
      const [own, shared] = await Promise.all([read(modelPath), read(providerPath)])
      const fromEnv = spec.keyEnvVar ? env[spec.keyEnvVar] : undefined
      const ownKey = own.config?.api_key || undefined
      const sharedKey = shared.config?.api_key || undefined
      const apiKey = fromEnv || ownKey || sharedKey
      const providerURL = config.providers[spec.providerName]?.base_url
      const url = endpoint.api_url ?? own.config?.api_url ?? (typeof providerURL === 'string' && providerURL.length > 0 ? providerURL : undefined) ?? spec.baseURL
      const entry = config.models[spec.name]
      return {
        ...spec,
        enabled: entry?.enabled ?? spec.enabledByDefault,
        description: entry?.description ?? spec.description,
        supportsTools: entry?.has_tools ?? own.config?.supports_tools ?? spec.supportsTools,
        baseURL: url ? normaliseBaseURL(url) : undefined,
        modelId: endpoint.model_id ?? own.config?.model_id ?? spec.modelId,
        apiKey,
        keySource: fromEnv
          ? {kind: 'env', name: spec.keyEnvVar as string}
          : ownKey
            ? {kind: 'agent-config', path: modelPath, scope: 'model'}
            : sharedKey
              ? {kind: 'agent-config', path: providerPath, scope: 'provider'}
              : {kind: 'none'},
        maxTokens: own.config?.max_tokens,
        temperature: own.config?.temperature,
      }
    }),
  )
  for (const r of await Promise.all(reads.values())) warnings.push(...r.warnings)
  models.sort((a, b) => (a.group === b.group ? 0 : a.group === 'claude' ? -1 : 1))
  const known = new Set(catalog.models.map((m) => m.name))
  const missing = Object.entries(config.models)
    .filter(([name]) => !known.has(name))
    .map(([name, m]): MissingModel => {
      const entryKey = formatKey(['worker_models', m.group, name])
      const source = Object.entries(sources).find(([k]) => keyWithin(k, entryKey))?.[1] ?? null
      return {name, group: m.group, enabled: m.enabled, source}
    })
  return {models, missing, warnings}
}

/** Whether the model can be called: it has a key, or needs none. */
export function hasUsableKey(model: ResolvedModel): boolean {
  return !model.needsKey || model.apiKey !== undefined
}
