import {Args} from '@oclif/core'
import {CtoCommand} from '../../core/cli/base-command.js'
import {findModel} from '../../core/context.js'
import {formatInt} from '../../core/cli/format.js'
import {formatPrice, viewModel, type ModelView} from '../../core/models/describe.js'

export type ModelsShowResult = ModelView & {fallback_chain: string[]}

export default class ModelsShow extends CtoCommand {
  static override summary = 'Show one model: endpoint, model id, key source, price, what it is good for.'
  static override examples = ['<%= config.bin %> <%= command.id %> deepseek', '<%= config.bin %> <%= command.id %> kimi --json']
  static override args = {name: Args.string({description: 'model name (or a legacy name such as deepseek-chat)', required: true})}

  async run(): Promise<ModelsShowResult> {
    const {args} = await this.parse(ModelsShow)
    const ctx = await this.loadCtx()
    const model = findModel(ctx, args.name)
    const {modelAvailability} = await import('../../core/availability/model-availability.js')
    const {unavailable} = await modelAvailability([model], ctx.env)
    const view = {...viewModel(model, unavailable.get(model.name)), fallback_chain: ctx.config.fallback_chain[model.name] ?? []}
    if (!this.jsonEnabled()) {
      const lines: Array<[string, string]> = [
        ['model', view.name],
        ['description', view.description || '-'],
        ['plugin', view.plugin],
        ['provider', view.provider],
        ['engine', view.engine],
        ['group', `${view.group} (daily token budget group)`],
        ['enabled', view.enabled ? 'yes' : 'no'],
        ['usable', view.usable ? 'yes' : view.unavailable ? `no: ${view.unavailable.reason}. ${view.unavailable.fix}` : 'no'],
        ['key', view.key === 'yes' ? `yes (${view.key_source})` : view.key === 'no' ? `no: run "cto keys set ${view.name}"${model.keyEnvVar ? ` or set ${model.keyEnvVar}` : ''}` : 'not needed'],
        ['model id', view.model_id],
        ['endpoint', view.base_url ?? '-'],
        ['tools', view.tools ? 'yes' : 'no (text only)'],
        ['context', `${formatInt(view.context_window)} tokens`],
        ['price', `${formatPrice(view)} per million tokens (input / output)`],
        ['good for', view.good_for.join(', ') || '-'],
        ['fallback', view.fallback_chain.length > 0 ? view.fallback_chain.join(' → ') : '-'],
        ['aliases', view.aliases.join(', ') || '-'],
      ]
      const width = Math.max(...lines.map(([k]) => k.length))
      for (const [k, v] of lines) this.log(`${k.padEnd(width)}  ${v}`)
    }
    return view
  }
}
