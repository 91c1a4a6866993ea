/**
 * The provider spec as the core uses it: the published package `@cto-cli/provider-spec` (v2, the
 * newest), re-exported so the core's modules name one place. Plugins import the package itself.
 */
export {
  COMPLEXITIES,
  ENGINE_KINDS,
  SPECIFICATION_VERSION,
  SUPPORTED_SPECIFICATION_VERSIONS,
  TASK_TYPES,
  TIERS,
} from '@cto-cli/provider-spec'
export type {
  ClaudeCodeSettings,
  Complexity,
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
  SpecificationVersion,
  TaskType,
  Tier,
} from '@cto-cli/provider-spec'
