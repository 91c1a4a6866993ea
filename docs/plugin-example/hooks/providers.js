// A complete cto provider plugin. The core hands the hook its factories, so this file imports
// nothing: a provider is data about its models plus one factory call.
/** @type {import('cto-cli').ProvidersHook} */
export default async function providers({factories, settings}) {
  // Optional user settings, from config key `providers.together`.
  const own = settings('together') ?? {}
  return factories.createOpenAICompatible({
    name: 'together',
    baseURL: typeof own.base_url === 'string' ? own.base_url : 'https://api.together.xyz/v1',
    keyEnvVar: 'TOGETHER_API_KEY',
    models: [
      {
        name: 'qwen-coder',
        modelId: 'Qwen/Qwen2.5-Coder-32B-Instruct',
        engine: 'openai-tools',
        contextWindow: 32_768,
        pricing: {inputPerMTok: 0.8, outputPerMTok: 0.8},
        goodFor: ['coding', 'bash_command'],
        description: 'Qwen 2.5 Coder 32B on Together AI',
      },
      {
        name: 'llama-70b',
        modelId: 'meta-llama/Llama-3.3-70B-Instruct-Turbo',
        engine: 'text',
        contextWindow: 131_072,
        pricing: {inputPerMTok: 0.88, outputPerMTok: 0.88},
        goodFor: ['research', 'analysis'],
        description: 'Llama 3.3 70B on Together AI (text only)',
      },
    ],
  })
}
