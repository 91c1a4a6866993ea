import type {ResolvedModel} from '../../src/core/providers/resolve.js'

/** A resolved model for engine tests; point `baseURL` at a test server. */
export function testModel(overrides: Partial<ResolvedModel> = {}): ResolvedModel {
  return {
    name: 'testmodel',
    provider: 'test',
    plugin: '@cto/provider-test',
    pluginType: 'user',
    providerName: 'test',
    specificationVersion: 'v2',
    engine: 'openai-tools',
    group: 'external',
    modelId: 'test-model-1',
    needsKey: true,
    supportsTools: true,
    contextWindow: 128_000,
    pricing: {inputPerMTok: 1, outputPerMTok: 2},
    goodFor: ['coding'],
    description: 'A model that only exists in tests.',
    enabledByDefault: true,
    enabled: true,
    apiKey: 'sk-test-0123456789abcdefSECRET',
    keySource: {kind: 'env', name: 'TEST_API_KEY'},
    ...overrides,
  }
}
