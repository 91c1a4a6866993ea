import type {ProvidersHook} from '../../../../src/index.js'

/** Claude models run as Claude Code sessions (`claude -p … --model <name>`). Prices: USD per million tokens. */
const hook: ProvidersHook = async ({factories}) =>
  factories.createClaudeCode({
    name: 'claude',
    keyEnvVar: 'ANTHROPIC_API_KEY',
    models: [
      {
        name: 'haiku',
        modelId: 'haiku',
        pricing: {inputPerMTok: 1, outputPerMTok: 5},
        goodFor: ['bash_command', 'coding'],
        description: 'Simple tasks, bash commands, file operations',
        aliases: ['claude-3-haiku', 'claude-haiku', 'claude-3-5-haiku'],
      },
      {
        name: 'sonnet',
        modelId: 'sonnet',
        pricing: {inputPerMTok: 3, outputPerMTok: 15},
        goodFor: ['coding', 'analysis', 'deployment'],
        description: 'Coding, debugging, documentation',
        aliases: ['claude-3-sonnet', 'claude-sonnet', 'claude-3-5-sonnet'],
      },
      {
        name: 'opus',
        modelId: 'opus',
        pricing: {inputPerMTok: 5, outputPerMTok: 25},
        goodFor: ['coding', 'analysis', 'deployment', 'email'],
        description: 'Architecture, planning, security, complex tasks',
        aliases: ['claude-3-opus', 'claude-opus'],
      },
    ],
  })

export default hook
