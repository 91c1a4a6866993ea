import type {ProvidersHook} from '@cto-cli/provider-spec'

interface OllamaModelSetting {
  name: string
  model_id?: string
  tools?: boolean
  context_window?: number
}

/**
 * The local models the user lists in config:
 *   "providers": {"ollama": {"base_url": "http://localhost:11434/v1",
 *                            "models": ["qwen2.5-coder:7b", {"name": "llama", "model_id": "llama3.1:8b", "tools": false}]}}
 * Local models cost nothing and need no key.
 */
const hook: ProvidersHook = async ({factories, settings}) => {
  const own = settings('ollama') ?? {}
  const listed = Array.isArray(own.models) ? (own.models as Array<string | OllamaModelSetting>) : []
  const models = listed.map((m) => (typeof m === 'string' ? {name: m} : m))
  return factories.createOpenAICompatible({
    name: 'ollama',
    baseURL: typeof own.base_url === 'string' ? own.base_url : 'http://localhost:11434/v1',
    needsKey: false,
    models: models.map((m) => ({
      name: m.name.toLowerCase(),
      modelId: m.model_id ?? m.name,
      engine: m.tools === false ? 'text' : 'openai-tools',
      contextWindow: m.context_window ?? 32_768,
      pricing: {inputPerMTok: 0, outputPerMTok: 0},
      goodFor: ['bash_command', 'coding'],
      description: `Local Ollama model ${m.model_id ?? m.name}`,
    })),
  })
}

export default hook
