/**
 * Resolving every model the user can use: the plugin's spec, the effective config, the endpoint and
 * the key. Precedence, highest first (documented in the README):
 * - key: the provider's environment variable (e.g. DEEPSEEK_API_KEY) → `api_key` in the agent
 *   config (`provider_endpoints.<m>.config_path`, default `~/agents/<m>/config.json`);
 * - endpoint and model id: `provider_endpoints.<m>` in config → the agent config → the plugin's default;
 * - tool support: `worker_models.*.<m>.has_tools` → the agent config's `supports_tools` → the plugin.
 */
import type {EffectiveConfig} from '../config/effective.js'
import {agentConfigPath} from '../paths.js'
import {expandHome, normaliseBaseURL, readAgentConfig} from '../keys/agent-config.js'
import type {Catalog, CatalogModel} from './registry.js'
import type {ResolvedModel} from './resolve.js'

/** A model named only in config (no plugin): an OpenAI-compatible endpoint the user configured. */
function specFromConfig(name: string, config: EffectiveConfig): CatalogModel {
  const m = config.models[name]
  const tools = m?.has_tools ?? false
  return {
    name,
    provider: name,
    plugin: '(config)',
    engine: tools ? 'openai-tools' : 'text',
    group: m?.group ?? 'external',
    modelId: name,
    keyEnvVar: `${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_API_KEY`,
    needsKey: true,
    supportsTools: tools,
    contextWindow: 128_000,
    pricing: {inputPerMTok: 0, outputPerMTok: 0},
    goodFor: [],
    description: m?.description ?? 'configured in worker_models (no plugin)',
    enabledByDefault: true,
  }
}

export interface ResolvedModels {
  models: ResolvedModel[]
  warnings: string[]
}

export async function resolveModels(config: EffectiveConfig, catalog: Catalog, env: NodeJS.ProcessEnv): Promise<ResolvedModels> {
  const specs = new Map<string, CatalogModel>(catalog.models.map((m) => [m.name, m]))
  for (const name of Object.keys(config.models)) if (!specs.has(name)) specs.set(name, specFromConfig(name, config))
  const warnings: string[] = []
  const models = await Promise.all(
    [...specs.values()].map(async (spec): Promise<ResolvedModel> => {
      const endpoint = config.provider_endpoints[spec.name] ?? {}
      const agentPath = endpoint.config_path ? expandHome(endpoint.config_path, env) : agentConfigPath(spec.name, env)
      const agent = await readAgentConfig(agentPath)
      warnings.push(...agent.warnings)
      const fromEnv = spec.keyEnvVar ? env[spec.keyEnvVar] : undefined
      const apiKey = fromEnv || agent.config?.api_key || undefined
      const url = endpoint.api_url ?? agent.config?.api_url ?? spec.baseURL
      const entry = config.models[spec.name]
      return {
        ...spec,
        enabled: entry?.enabled ?? spec.enabledByDefault,
        description: entry?.description ?? spec.description,
        supportsTools: entry?.has_tools ?? agent.config?.supports_tools ?? spec.supportsTools,
        baseURL: url ? normaliseBaseURL(url) : undefined,
        modelId: endpoint.model_id ?? agent.config?.model_id ?? spec.modelId,
        apiKey,
        keySource: fromEnv ? {kind: 'env', name: spec.keyEnvVar as string} : apiKey ? {kind: 'agent-config', path: agentPath} : {kind: 'none'},
        maxTokens: agent.config?.max_tokens,
        temperature: agent.config?.temperature,
      }
    }),
  )
  models.sort((a, b) => (a.group === b.group ? 0 : a.group === 'claude' ? -1 : 1))
  return {models, warnings}
}

/** Whether the model can be called: it has a key, or needs none. */
export function hasUsableKey(model: ResolvedModel): boolean {
  return !model.needsKey || model.apiKey !== undefined
}
