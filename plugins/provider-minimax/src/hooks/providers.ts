import type {ProvidersHook} from '@cto-cli/provider-spec'

const hook: ProvidersHook = async ({factories}) =>
  factories.createOpenAICompatible({
    name: 'minimax',
    baseURL: 'https://api.minimax.io/v1',
    keyEnvVar: 'MINIMAX_API_KEY',
    models: [
      {
        name: 'minimax',
        modelId: 'MiniMax-M2',
        contextWindow: 204_800,
        pricing: {inputPerMTok: 0.3, outputPerMTok: 1.2},
        goodFor: ['bash_command', 'coding', 'deployment'],
        description: 'General purpose, configuration, testing',
      },
    ],
  })

export default hook
