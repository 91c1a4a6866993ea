import {Args} from '@oclif/core'
import {CtoCommand} from '../../core/cli/base-command.js'
import {CtoError} from '../../core/errors.js'
import type {EffectiveValue} from '../../core/config/config-value.js'
import {shellKey} from '../../core/cli/config-key-arg.js'

export type ConfigGetResult = EffectiveValue

export default class ConfigGet extends CtoCommand {
  static override summary = 'Print the value cto uses for one config key, and where it came from.'
  static override description =
    'The effective value: defaults, user config, project config, ORCHESTRATOR_CONFIG / CTO_CONFIG and the environment merged (see "cto config show"). A section prints as JSON. A key nothing sets exits 1.'
  static override examples = [
    '<%= config.bin %> <%= command.id %> cto_model',
    '<%= config.bin %> <%= command.id %> cost_optimization.token_budget_per_day',
    '<%= config.bin %> <%= command.id %> worker_models.external.kimi.enabled --json',
  ]
  static override args = {key: Args.string({description: 'a dotted config key, e.g. cost_optimization.enabled', required: true})}

  async run(): Promise<ConfigGetResult> {
    const {args} = await this.parse(ConfigGet)
    const {checkConfigKey} = await import('../../core/config/config-keys.js')
    const {effectiveValue} = await import('../../core/config/config-value.js')
    const key = await checkConfigKey(args.key)
    const ctx = await this.loadCtx()
    const {resolveToolPolicy} = await import('../../core/tools/policy/policy-schema.js')
    const result = effectiveValue(ctx, key.path, {tools: resolveToolPolicy(ctx.config.tools)})
    if (result.value === undefined) {
      throw new CtoError({code: 'CONFIG_KEY_UNSET', message: `${result.key} is not set (it would be ${key.expects}).`, actions: [`cto config set ${shellKey(result.key)} VALUE`]})
    }
    if (!this.jsonEnabled()) {
      this.log(typeof result.value === 'string' ? result.value : JSON.stringify(result.value, null, typeof result.value === 'object' && result.value !== null ? 2 : 0))
      if (typeof result.source === 'string') this.note(`(from ${result.source})`)
    }
    return result
  }
}
