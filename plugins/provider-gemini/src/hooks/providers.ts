import type {ProvidersHook} from '@cto-cli/provider-spec'

/** Through Google's OpenAI-compatible endpoint. Disabled by default, as in the original system. */
const hook: ProvidersHook = async ({factories}) =>
  factories.createOpenAICompatible({
    name: 'gemini',
    provider: 'google',
    baseURL: 'https://generativelanguage.googleapis.com/v1beta/openai',
    keyEnvVar: 'GEMINI_API_KEY',
    models: [
      {
        name: 'gemini',
        modelId: 'gemini-2.5-flash',
        engine: 'text',
        contextWindow: 1_000_000,
        pricing: {inputPerMTok: 0.3, outputPerMTok: 2.5},
        goodFor: ['research', 'analysis'],
        description: 'Research (text only; disabled by default)',
        enabledByDefault: false,
      },
    ],
  })

export default hook
