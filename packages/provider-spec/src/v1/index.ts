/**
 * Provider spec v1: what a `cto:providers` hook returned before v2. cto still accepts it: a v1
 * model has no tier, escalates along the catalog's ladder like any model that declares no
 * `escalatesTo`, is not protected from cost overrides and is not offered as CTO by default. Write
 * new plugins against v2 (`import type {ProvidersHook} from '@cto-cli/provider-spec'`).
 */
import type {EngineKind, ModelGroup, ModelPricing, TaskType} from '../shared.js'

export const SPECIFICATION_VERSION = 'v1' as const
export type SpecificationVersion = typeof SPECIFICATION_VERSION

/** One model as a v1 plugin declares it. */
export interface ModelSpec {
  /** The name users type: lower case letters, digits and . _ : / - */
  name: string
  /** Who serves it, e.g. `together`. */
  provider: string
  engine: EngineKind
  group: ModelGroup
  /** Model id sent to the API. */
  modelId: string
  /** Default API base URL (OpenAI-compatible: the `/v1` base; Claude Code: the Anthropic base). */
  baseURL?: string
  /** Environment variable that holds the key. */
  keyEnvVar?: string
  /** False for local models: no key is needed. */
  needsKey: boolean
  supportsTools: boolean
  contextWindow: number
  pricing: ModelPricing
  /** Task types it is good at: a routing hint, shown by `cto models show`. */
  goodFor: TaskType[]
  description: string
  enabledByDefault: boolean
  /** Older names that map to this model. */
  aliases?: string[]
}

export interface ProviderDefinition {
  specificationVersion: SpecificationVersion
  /** Provider name, e.g. `together`. */
  name: string
  models: ModelSpec[]
}

type ModelSettings = Partial<Omit<ModelSpec, 'name' | 'modelId' | 'pricing' | 'engine'>> & {name: string; modelId: string; pricing: ModelPricing}

export interface OpenAICompatibleSettings {
  name: string
  provider?: string
  baseURL: string
  keyEnvVar?: string
  needsKey?: boolean
  models: Array<ModelSettings & {engine?: 'openai-tools' | 'text'}>
}

export interface ClaudeCodeSettings {
  name: string
  baseURL?: string
  keyEnvVar?: string
  models: ModelSettings[]
}

export interface ProviderFactories {
  createOpenAICompatible(settings: OpenAICompatibleSettings): ProviderDefinition
  createClaudeCode(settings: ClaudeCodeSettings): ProviderDefinition
}

export interface ProvidersHookOptions {
  specificationVersion: SpecificationVersion
  factories: ProviderFactories
  /** The user's merged config section `providers.<name>`, if any. */
  settings: (name: string) => Record<string, unknown> | undefined
}

export type ProvidersHookResult = ProviderDefinition | ProviderDefinition[]

export type ProvidersHook = (options: ProvidersHookOptions) => Promise<ProvidersHookResult> | ProvidersHookResult
