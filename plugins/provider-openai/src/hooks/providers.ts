import type {ProvidersHook} from '@cto-cli/provider-spec'

const hook: ProvidersHook = async ({factories}) =>
  factories.createOpenAICompatible({
    name: 'openai',
    baseURL: 'https://api.openai.com/v1',
    keyEnvVar: 'OPENAI_API_KEY',
    models: [
      {
        name: 'gpt-4',
        modelId: 'gpt-4-turbo',
        contextWindow: 128_000,
        pricing: {inputPerMTok: 10, outputPerMTok: 30},
        goodFor: ['coding', 'analysis', 'research'],
        description: 'OpenAI GPT-4 with tool calling',
        aliases: ['gpt4', 'gpt-4-turbo'],
        canBeCto: true,
      },
    ],
  })

export default hook
