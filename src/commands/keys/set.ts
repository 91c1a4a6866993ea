import {Args} from '@oclif/core'
import {CtoCommand} from '../../core/cli/base-command.js'
import {EXIT} from '../../core/exit-codes.js'
import {findModel} from '../../core/context.js'
import {readSecret} from '../../core/cli/read-secret.js'
import {writeAgentKey} from '../../core/keys/write-key.js'
import {expandHome} from '../../core/keys/agent-config.js'
import {agentConfigPath} from '../../core/paths.js'

export interface KeysSetResult {
  model: string
  path: string
  created: boolean
  /** An environment variable that is set and takes precedence over the stored key. */
  shadowed_by?: string
}

export default class KeysSet extends CtoCommand {
  static override summary = "Store a model's API key in ~/agents/<model>/config.json (mode 0600)."
  static override description = 'The key is read from stdin when piped, else from a hidden prompt. It is never printed.'
  static override examples = [
    '<%= config.bin %> <%= command.id %> deepseek',
    'printf %s "$DEEPSEEK_KEY" | <%= config.bin %> <%= command.id %> deepseek',
  ]
  // Never from stdin: piped, stdin holds the key, which must not be taken for a model name (and printed in "unknown model").
  static override args = {model: Args.string({description: 'model name', required: true, ignoreStdin: true})}
  /** 130: Ctrl-C at the prompt (README exit-code table). */
  static exitCodes = [EXIT.ok, EXIT.error, EXIT.usage, EXIT.interrupted]

  async run(): Promise<KeysSetResult> {
    const {args} = await this.parse(KeysSet)
    const ctx = await this.loadCtx()
    const model = findModel(ctx, args.model)
    const endpoint = ctx.config.provider_endpoints[model.name]
    const path = endpoint?.config_path ? expandHome(endpoint.config_path, ctx.env) : agentConfigPath(model.name, ctx.env)
    const key = await readSecret(`Key for ${model.name} (input hidden): `)
    const written = await writeAgentKey(path, key, {provider: model.engine === 'claude-cli' ? 'anthropic' : 'openai'})
    const shadowed = model.keyEnvVar && ctx.env[model.keyEnvVar] ? model.keyEnvVar : undefined
    if (!this.jsonEnabled()) {
      this.log(`Key for ${model.name} ${written.created ? 'saved in' : 'updated in'} ${path} (mode 0600).`)
      if (shadowed) this.log(`Note: ${shadowed} is set in your environment and takes precedence over this key.`)
    }
    return {model: model.name, path, created: written.created, shadowed_by: shadowed}
  }
}
