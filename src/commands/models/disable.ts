import {Args} from '@oclif/core'
import {CtoCommand} from '../../core/cli/base-command.js'
import {setModelEnabled, type ModelToggleResult} from '../../core/models/toggle.js'

export default class ModelsDisable extends CtoCommand {
  static override summary = 'Disable a model in your user config (only that field changes).'
  static override examples = ['<%= config.bin %> <%= command.id %> gpt-4', '<%= config.bin %> <%= command.id %> kimi --json']
  static override args = {name: Args.string({description: 'model name', required: true})}

  async run(): Promise<ModelToggleResult> {
    const {args} = await this.parse(ModelsDisable)
    const {collectProviders} = await import('../../core/providers/registry.js')
    const result = await setModelEnabled(await this.loadCtx(), args.name, false, {collect: (settings) => collectProviders(this.config, {settings})})
    if (!this.jsonEnabled()) this.log(result.message)
    return result
  }
}
