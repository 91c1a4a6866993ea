/**
 * The provider specification, version v1: what a provider plugin hands the core through the
 * `cto:providers` hook. A plugin is data about its models plus a call to a core factory
 * (see ./factories.ts), which the core passes to the hook so plugins import nothing at run time.
 */
import type {Interfaces} from '@oclif/core'

export const SPECIFICATION_VERSION = 'v1' as const
export type SpecificationVersion = typeof SPECIFICATION_VERSION

export const ENGINE_KINDS = ['claude-cli', 'openai-tools', 'text'] as const
export type EngineKind = (typeof ENGINE_KINDS)[number]

export const TASK_TYPES = ['bash_command', 'coding', 'research', 'analysis', 'email', 'deployment'] as const
export type TaskType = (typeof TASK_TYPES)[number]

export const COMPLEXITIES = ['simple', 'moderate', 'complex'] as const
export type Complexity = (typeof COMPLEXITIES)[number]

/** Budget group: Claude models share one daily token budget, everything else the other. */
export type ModelGroup = 'claude' | 'external'

export interface ModelPricing {
  /** US dollars per million input tokens. */
  inputPerMTok: number
  /** US dollars per million output tokens. */
  outputPerMTok: number
}

/** One model as a plugin declares it. */
export interface ModelSpec {
  /** The name users type: `deepseek`, `haiku`. Lower case, no spaces. */
  name: string
  /** Provider name, e.g. `deepseek`, `anthropic`, `moonshot`. */
  provider: string
  engine: EngineKind
  group: ModelGroup
  /** Model id sent to the API by default, e.g. `deepseek-chat`. */
  modelId: string
  /** Default API base URL (OpenAI-compatible: the `/v1` base; Claude Code: Anthropic base). */
  baseURL?: string
  /** Environment variable that holds the key, e.g. `DEEPSEEK_API_KEY`. */
  keyEnvVar?: string
  /** False for local models (Ollama): no key is needed to use it. */
  needsKey: boolean
  supportsTools: boolean
  contextWindow: number
  pricing: ModelPricing
  /** Task types it is good at (used as a routing hint and shown by `cto models show`). */
  goodFor: TaskType[]
  description: string
  enabledByDefault: boolean
  /** Older names that map to this model (`deepseek-chat` → deepseek). */
  aliases?: string[]
}

/** What a plugin's `cto:providers` hook returns. */
export interface ProviderDefinition {
  specificationVersion: SpecificationVersion
  /** Provider (plugin) name, e.g. `deepseek`. */
  name: string
  models: ModelSpec[]
}

export interface OpenAICompatibleSettings {
  name: string
  provider?: string
  baseURL: string
  keyEnvVar?: string
  needsKey?: boolean
  models: Array<
    Partial<Omit<ModelSpec, 'name' | 'modelId' | 'pricing' | 'engine'>> & {
      name: string
      modelId: string
      pricing: ModelPricing
      /** `openai-tools` (tool calling through the tool worker) or `text` (text in, text out). */
      engine?: 'openai-tools' | 'text'
    }
  >
}

export interface ClaudeCodeSettings {
  name: string
  baseURL?: string
  keyEnvVar?: string
  models: Array<Partial<Omit<ModelSpec, 'name' | 'modelId' | 'pricing' | 'engine'>> & {name: string; modelId: string; pricing: ModelPricing}>
}

/** Factories the core hands to every plugin, so that plugins need no run-time import of core. */
export interface ProviderFactories {
  createOpenAICompatible(settings: OpenAICompatibleSettings): ProviderDefinition
  createClaudeCode(settings: ClaudeCodeSettings): ProviderDefinition
}

/** Options passed to a `cto:providers` hook. */
export type ProvidersHookOptions = {
  specificationVersion: SpecificationVersion
  factories: ProviderFactories
  /** The user's raw merged settings for this plugin, from config key `providers.<plugin>` (e.g. Ollama's model list). */
  settings: (plugin: string) => Record<string, unknown> | undefined
}

export type ProvidersHookResult = ProviderDefinition | ProviderDefinition[]

/** The typed custom hook: `"oclif": {"hooks": {"cto:providers": "./dist/hooks/providers.js"}}`. */
export interface CtoHooks extends Interfaces.Hooks {
  'cto:providers': {options: ProvidersHookOptions; return: ProvidersHookResult}
}

export type ProvidersHook = Interfaces.Hook<'cto:providers', CtoHooks>
