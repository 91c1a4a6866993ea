import {CtoCommand} from '../../core/cli/base-command.js'
import {renderTable} from '../../core/cli/table.js'
import {formatPrice, unavailableLines, viewModel, type ModelView} from '../../core/models/describe.js'

export interface ModelsListResult {
  models: ModelView[]
  broken_plugins: Array<{name: string; reason: string}>
}

export default class ModelsList extends CtoCommand {
  static override summary = 'List every known model: plugin, engine, enabled, key present, tools, price.'
  static override description = 'Prices are US dollars per million input / output tokens. Keys are never shown, only whether one was found.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json | jq ".models[] | select(.usable) | .name"']

  async run(): Promise<ModelsListResult> {
    const ctx = await this.loadCtx()
    const {modelAvailability} = await import('../../core/availability/model-availability.js')
    const {unavailable} = await modelAvailability(ctx.models, ctx.env)
    const models = ctx.models.map((m) => viewModel(m, unavailable.get(m.name)))
    if (!this.jsonEnabled()) {
      this.log(
        renderTable(models, [
          {header: 'model', get: (m) => m.name},
          {header: 'plugin', get: (m) => m.plugin.replace('@cto-cli/', '')},
          {header: 'engine', get: (m) => m.engine},
          {header: 'enabled', get: (m) => m.enabled},
          {header: 'key', get: (m) => m.key},
          {header: 'tools', get: (m) => m.tools},
          {header: 'usable', get: (m) => m.usable},
          {header: 'price in/out per 1M', get: (m) => formatPrice(m)},
        ]),
      )
      for (const line of unavailableLines(models)) this.note(line)
      for (const b of ctx.catalog.broken) this.note(`Plugin ${b.name} is broken: ${b.reason}`)
      for (const w of ctx.warnings) this.note(`Warning: ${w}`)
    }
    return {models, broken_plugins: ctx.catalog.broken.map((b) => ({name: b.name, reason: b.reason}))}
  }
}
