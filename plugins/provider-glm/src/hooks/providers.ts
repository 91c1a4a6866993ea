import type {ProvidersHook} from '@cto-cli/provider-spec'

const hook: ProvidersHook = async ({factories}) =>
  factories.createOpenAICompatible({
    name: 'glm',
    provider: 'zhipu',
    baseURL: 'https://open.bigmodel.cn/api/paas/v4',
    keyEnvVar: 'ZHIPUAI_API_KEY',
    models: [
      {
        name: 'glm',
        modelId: 'glm-4.6',
        engine: 'text',
        contextWindow: 200_000,
        pricing: {inputPerMTok: 0.6, outputPerMTok: 2.2},
        goodFor: ['analysis', 'research'],
        description: 'Analysis, explanations (text only)',
        aliases: ['zhipu', 'chatglm', 'glm-4'],
      },
    ],
  })

export default hook
