/**
 * Provider spec v2: a provider declares its models and its own policy. Beyond v1:
 * - the key variable and base URL belong to the provider (a model may still override them), so a
 *   user sets one key for all of a provider's models (`cto keys set <provider>`);
 * - a model declares its `tier`, the model it `escalatesTo` after a failed attempt, whether it is
 *   `protected` from cost overrides, and whether it `canBeCto` (classify and review tasks).
 * The core derives fallback chains, aliases and defaults from these declarations plus the user's
 * config; it names no model itself.
 */
import type {EngineKind, ModelGroup, ModelPricing, TaskType} from '../shared.js'

export const SPECIFICATION_VERSION = 'v2' as const
export type SpecificationVersion = typeof SPECIFICATION_VERSION

/**
 * How capable a model is, relative to the others: the local heuristic sends simple tasks to a
 * `small` model, moderate ones to `medium`, complex ones to `large`, and a model that declares no
 * `escalatesTo` escalates to the rungs above its tier of the catalog's escalation ladder.
 */
export const TIERS = ['small', 'medium', 'large'] as const
export type Tier = (typeof TIERS)[number]

/** One model as a plugin declares it (the factories fill the fields marked "default"). */
export interface ModelSpec {
  /** The name users type (`cto run -m <name>`): lower case letters, digits and . _ : / - */
  name: string
  /** Who serves it (shown by `cto models show`); default: the provider's name. */
  provider: string
  /** `claude-cli` (Claude Code sessions), `openai-tools` (tool calling), `text` (text only). */
  engine: EngineKind
  /** The daily token budget it counts against. */
  group: ModelGroup
  /** The model id sent to the API. */
  modelId: string
  /** API base URL; default: the provider's. */
  baseURL?: string
  /** Environment variable that holds the key; default: the provider's. */
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
  /** Older names users may still type or have in config files; read as this model. */
  aliases?: string[]
  /** How capable it is relative to the provider's other models. */
  tier?: Tier
  /** The model to try next when an attempt on this one fails (a model of any installed provider). */
  escalatesTo?: string
  /** Complex tasks the CTO gives it are never moved to a cheaper model by cost optimisation. */
  protected?: boolean
  /** It can classify and review tasks: the default CTO is the cheapest such model. */
  canBeCto?: boolean
}

/** What a plugin's `cto:providers` hook returns (one, or an array of them). */
export interface ProviderDefinition {
  specificationVersion: SpecificationVersion
  /** Provider name: what users type in `cto keys set <name>` and config key `providers.<name>`. */
  name: string
  /** The environment variable that holds the key for all its models. */
  keyEnvVar?: string
  /** The API base URL of all its models. */
  baseURL?: string
  models: ModelSpec[]
}

/** A model as the factories take it: the rest has defaults. */
export type ModelSettings = Partial<Omit<ModelSpec, 'name' | 'modelId' | 'pricing' | 'engine'>> & {
  name: string
  modelId: string
  pricing: ModelPricing
}

export interface OpenAICompatibleSettings {
  /** Provider name. */
  name: string
  /** Who serves it, if not `name` (e.g. `google`). */
  provider?: string
  /** The OpenAI-compatible base URL (ends in `/v1` for most APIs). */
  baseURL: string
  keyEnvVar?: string
  /** Default: true when `keyEnvVar` is given. */
  needsKey?: boolean
  models: Array<ModelSettings & {engine?: 'openai-tools' | 'text'}>
}

export interface ClaudeCodeSettings {
  name: string
  /** The Anthropic API base URL, if not Anthropic's. */
  baseURL?: string
  keyEnvVar?: string
  models: ModelSettings[]
}

/** The factories the core hands every hook: a plugin needs no run-time import of the core. */
export interface ProviderFactories {
  /** Any OpenAI-compatible chat-completions API: tool calling (`openai-tools`, the default) or `text`. */
  createOpenAICompatible(settings: OpenAICompatibleSettings): ProviderDefinition
  /** Models run as Claude Code sessions (`claude -p --model <modelId>`). */
  createClaudeCode(settings: ClaudeCodeSettings): ProviderDefinition
}

/** What a `cto:providers` hook receives. */
export interface ProvidersHookOptions {
  /** The newest spec this core speaks. */
  specificationVersion: SpecificationVersion
  /** Every spec version this core accepts in a hook's answer. */
  supportedSpecificationVersions: readonly string[]
  factories: ProviderFactories
  /** The user's merged config section `providers.<name>` (e.g. `providers.ollama.models`), if any. */
  settings: (name: string) => Record<string, unknown> | undefined
}

export type ProvidersHookResult = ProviderDefinition | ProviderDefinition[]

/**
 * The hook a plugin's package.json names: `"oclif": {"hooks": {"cto:providers": "./dist/providers.js"}}`.
 * It must answer within 3 seconds and leave nothing running (the CLI exits when its command is done).
 */
export type ProvidersHook = (options: ProvidersHookOptions) => Promise<ProvidersHookResult> | ProvidersHookResult

/** The typed custom hook, for oclif: `interface MyHooks extends Interfaces.Hooks, CtoHooks {}`. */
export interface CtoHooks {
  'cto:providers': {options: ProvidersHookOptions; return: ProvidersHookResult}
}
