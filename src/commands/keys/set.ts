import {Args} from '@oclif/core'
import {CtoCommand} from '../../core/cli/base-command.js'
import {EXIT} from '../../core/exit-codes.js'
import {readSecret} from '../../core/cli/read-secret.js'
import {writeAgentKey} from '../../core/keys/write-key.js'
import {keyTarget, shadowedModels} from '../../core/keys/key-target.js'

export interface KeysSetResult {
  /** `provider`: the key of every model of the provider; `model`: one model's own key, ahead of its provider's. */
  scope: 'provider' | 'model'
  /** The provider or model named. */
  name: string
  /** The models that use this key (unless shadowed). */
  models: string[]
  path: string
  created: boolean
  /** Models that won't use it: an environment variable or a model's own key takes precedence. */
  shadowed: Array<{model: string; by: string}>
  /** An environment variable that is set and takes precedence (the first of `shadowed`, kept for scripts). */
  shadowed_by?: string
}

export default class KeysSet extends CtoCommand {
  static override summary = "Store a provider's API key (for all its models) or one model's own key (mode 0600)."
  static override description =
    'NAME is a provider (deepseek, claude, kimi, …: the key of all its models, in ~/agents/<provider>/config.json) or a model (haiku: its own key, ahead of its provider\'s, in ~/agents/<model>/config.json or provider_endpoints.<model>.config_path). A name that is both is the provider. The key is read from stdin when piped, else from a hidden prompt. It is never printed.'
  static override examples = [
    '<%= config.bin %> <%= command.id %> deepseek',
    'printf %s "$ANTHROPIC_KEY" | <%= config.bin %> <%= command.id %> claude',
    '<%= config.bin %> <%= command.id %> haiku',
  ]
  // Never from stdin: piped, stdin holds the key, which must not be taken for a name (and printed in "unknown model").
  static override args = {name: Args.string({description: 'provider or model name', required: true, ignoreStdin: true})}
  /** 130: Ctrl-C at the prompt (README exit-code table). */
  static exitCodes = [EXIT.ok, EXIT.error, EXIT.usage, EXIT.interrupted]

  async run(): Promise<KeysSetResult> {
    const {args} = await this.parse(KeysSet)
    const ctx = await this.loadCtx()
    const target = keyTarget(ctx, args.name)
    const key = await readSecret(`Key for ${target.scope} ${target.name} (input hidden): `)
    const written = await writeAgentKey(target.path, key, {provider: target.kind})
    const shadowed = shadowedModels(target, ctx.env)
    const envShadow = shadowed.find((s) => !s.by.includes('/'))?.by
    if (!this.jsonEnabled()) {
      const users = target.scope === 'provider' ? ` (provider ${target.name}: ${target.models.map((m) => m.name).join(', ')})` : ''
      this.log(`Key for ${target.name}${users} ${written.created ? 'saved in' : 'updated in'} ${target.path} (mode 0600).`)
      for (const s of shadowed) this.log(`Note: ${s.model} uses ${s.by.includes('/') ? `its own key in ${s.by},` : `${s.by}, set in your environment,`} which takes precedence over this key.`)
    }
    return {scope: target.scope, name: target.name, models: target.models.map((m) => m.name), path: target.path, created: written.created, shadowed, shadowed_by: envShadow}
  }
}
