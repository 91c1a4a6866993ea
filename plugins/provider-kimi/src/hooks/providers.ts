import type {ProvidersHook} from '@cto-cli/provider-spec'

const hook: ProvidersHook = async ({factories}) =>
  factories.createOpenAICompatible({
    name: 'kimi',
    provider: 'moonshot',
    baseURL: 'https://api.moonshot.ai/v1',
    keyEnvVar: 'MOONSHOT_API_KEY',
    models: [
      {
        name: 'kimi',
        modelId: 'kimi-k2-0905-preview',
        engine: 'text',
        contextWindow: 256_000,
        pricing: {inputPerMTok: 0.6, outputPerMTok: 2.5},
        goodFor: ['research', 'analysis'],
        description: 'Research, analysis, brainstorming (text only)',
        aliases: ['moonshot', 'kimi-k2'],
      },
    ],
  })

export default hook
