import type {ProvidersHook} from '@cto-cli/provider-spec'

/**
 * Claude models run as Claude Code sessions (`claude -p … --model <name>`). Prices: USD per million tokens.
 * The ladder haiku → sonnet → opus is declared here: a failed attempt escalates up it, and external models
 * that declare no escalation of their own climb it from above haiku's tier.
 */
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
        tier: 'small',
        escalatesTo: 'sonnet',
      },
      {
        name: 'sonnet',
        modelId: 'sonnet',
        pricing: {inputPerMTok: 3, outputPerMTok: 15},
        goodFor: ['coding', 'analysis', 'deployment'],
        description: 'Coding, debugging, documentation',
        aliases: ['claude-3-sonnet', 'claude-sonnet', 'claude-3-5-sonnet'],
        tier: 'medium',
        escalatesTo: 'opus',
        canBeCto: true,
      },
      {
        name: 'opus',
        modelId: 'opus',
        pricing: {inputPerMTok: 5, outputPerMTok: 25},
        goodFor: ['coding', 'analysis', 'deployment', 'email'],
        description: 'Architecture, planning, security, complex tasks',
        aliases: ['claude-3-opus', 'claude-opus'],
        tier: 'large',
        // Complex work the CTO gives opus stays on opus.
        protected: true,
        canBeCto: true,
      },
    ],
  })

export default hook
