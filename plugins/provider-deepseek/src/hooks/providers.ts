import type {ProvidersHook} from '@cto-cli/provider-spec'

const hook: ProvidersHook = async ({factories}) =>
  factories.createOpenAICompatible({
    name: 'deepseek',
    baseURL: 'https://api.deepseek.com/v1',
    keyEnvVar: 'DEEPSEEK_API_KEY',
    models: [
      {
        name: 'deepseek',
        modelId: 'deepseek-chat',
        contextWindow: 128_000,
        pricing: {inputPerMTok: 0.28, outputPerMTok: 0.42},
        goodFor: ['coding', 'bash_command', 'analysis'],
        description: 'Coding, debugging, system tasks (cheaper than Claude)',
        aliases: ['deepseek-chat', 'deepseek-v3'],
        // The cheapest CTO-capable model of the first-party plugins: the default CTO, as in the original system.
        canBeCto: true,
      },
    ],
  })

export default hook
