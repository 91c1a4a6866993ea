// cto-provider-together: Together AI's models for cto. The core hands the hook its factories, so the
// only import is the spec package (types, and the error a plugin throws when its settings are wrong).
import {ProviderPluginError} from '@cto-cli/provider-spec'

/** @type {import('@cto-cli/provider-spec').ProvidersHook} */
export default async function providers({factories, settings}) {
  // Optional: more models the user lists in config, `providers.together.extra_models`.
  const extra = settings('together')?.extra_models ?? []
  if (!Array.isArray(extra) || extra.some((id) => typeof id !== 'string')) {
    throw new ProviderPluginError({
      code: 'TOGETHER_BAD_EXTRA_MODELS',
      message: 'providers.together.extra_models must be a list of Together model ids.',
      actions: ['cto config set providers.together.extra_models \'["mistralai/Mixtral-8x7B-Instruct-v0.1"]\''],
    })
  }
  return factories.createOpenAICompatible({
    name: 'together', // cto keys set together; config key providers.together
    baseURL: 'https://api.together.xyz/v1', // or providers.together.base_url in config
    keyEnvVar: 'TOGETHER_API_KEY', // declared, never read by the plugin
    models: [
      {
        name: 'qwen-coder', // what users type: cto run -m qwen-coder
        modelId: 'Qwen/Qwen2.5-Coder-32B-Instruct', // sent to the API
        engine: 'openai-tools', // tool calling through cto's tool worker
        contextWindow: 32_768,
        pricing: {inputPerMTok: 0.8, outputPerMTok: 0.8}, // US dollars per million tokens
        goodFor: ['coding', 'bash_command'],
        description: 'Qwen 2.5 Coder 32B on Together AI',
        tier: 'small', // no escalatesTo: a failed attempt climbs the catalog's ladder from above 'small'
        canBeCto: true, // it can classify and review tasks (cto config set cto_model qwen-coder)
      },
      {
        name: 'llama-70b',
        modelId: 'meta-llama/Llama-3.3-70B-Instruct-Turbo',
        engine: 'text', // text in, text out: research and analysis
        contextWindow: 131_072,
        pricing: {inputPerMTok: 0.88, outputPerMTok: 0.88},
        goodFor: ['research', 'analysis'],
        description: 'Llama 3.3 70B on Together AI (text only)',
        tier: 'large',
        enabledByDefault: false, // off until the user runs: cto models enable llama-70b
        aliases: ['llama-3.3-70b'],
      },
      ...extra.map((id) => ({
        name: id.split('/').pop().toLowerCase(),
        modelId: id,
        engine: 'text',
        pricing: {inputPerMTok: 1, outputPerMTok: 1},
        description: `${id} on Together AI`,
      })),
    ],
  })
}
