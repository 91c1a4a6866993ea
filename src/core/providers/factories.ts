/**
 * The core factories plugins call (handed to them in the hook options, so a plugin needs no
 * run-time import of core). Every OpenAI-compatible API shares one implementation. They answer in
 * the newest spec (v2) whichever spec the plugin was written for: v2's fields are a superset.
 */
import {SPECIFICATION_VERSION, type ClaudeCodeSettings, type ModelSpec, type OpenAICompatibleSettings, type ProviderDefinition, type ProviderFactories} from './spec.js'

export function createOpenAICompatible(settings: OpenAICompatibleSettings): ProviderDefinition {
  const needsKey = settings.needsKey ?? settings.keyEnvVar !== undefined
  return {
    specificationVersion: SPECIFICATION_VERSION,
    name: settings.name,
    keyEnvVar: settings.keyEnvVar,
    baseURL: settings.baseURL,
    models: settings.models.map(
      (m): ModelSpec => ({
        provider: settings.provider ?? settings.name,
        group: 'external',
        baseURL: settings.baseURL,
        keyEnvVar: settings.keyEnvVar,
        needsKey,
        contextWindow: 128_000,
        goodFor: [],
        description: '',
        enabledByDefault: true,
        ...m,
        engine: m.engine ?? 'openai-tools',
        supportsTools: m.supportsTools ?? (m.engine ?? 'openai-tools') === 'openai-tools',
      }),
    ),
  }
}

export function createClaudeCode(settings: ClaudeCodeSettings): ProviderDefinition {
  return {
    specificationVersion: SPECIFICATION_VERSION,
    name: settings.name,
    keyEnvVar: settings.keyEnvVar,
    baseURL: settings.baseURL,
    models: settings.models.map(
      (m): ModelSpec => ({
        provider: 'anthropic',
        group: 'claude',
        baseURL: settings.baseURL,
        keyEnvVar: settings.keyEnvVar,
        // Claude Code can also be logged in with a subscription: a key is optional.
        needsKey: false,
        supportsTools: true,
        contextWindow: 200_000,
        goodFor: [],
        description: '',
        enabledByDefault: true,
        ...m,
        engine: 'claude-cli',
      }),
    ),
  }
}

export const factories: ProviderFactories = {createOpenAICompatible, createClaudeCode}
