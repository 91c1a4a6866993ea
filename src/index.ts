/**
 * What plugins may import: types and factories, nothing else. Provider plugins normally need only
 * the types: the factories reach them in the `cto:providers` hook options.
 */
export type {
  ClaudeCodeSettings,
  CtoHooks,
  EngineKind,
  ModelGroup,
  ModelPricing,
  ModelSpec,
  OpenAICompatibleSettings,
  ProviderDefinition,
  ProviderFactories,
  ProvidersHook,
  ProvidersHookOptions,
  ProvidersHookResult,
  TaskType,
} from './core/providers/spec.js'
export {SPECIFICATION_VERSION} from './core/providers/spec.js'
export {createClaudeCode, createOpenAICompatible} from './core/providers/factories.js'
export {CtoError} from './core/errors.js'
