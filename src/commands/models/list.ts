import {CtoCommand} from '../../core/cli/base-command.js'
import {renderTable} from '../../core/cli/table.js'
import {configKeyArg} from '../../core/cli/config-key-arg.js'
import {formatPrice, unavailableLines, viewMissingModel, viewModel, type MissingModelView, type ModelView} from '../../core/models/describe.js'

export interface ModelsListResult {
  models: ModelView[]
  /** Models your config names whose plugin is not installed: never routed to. */
  missing_models: MissingModelView[]
  broken_plugins: Array<{name: string; reason: string}>
}

type Row = {view: ModelView; missing?: undefined} | {missing: MissingModelView; view?: undefined}

export default class ModelsList extends CtoCommand {
  static override summary = 'List every known model: plugin, engine, enabled, key present, tools, price.'
  static override description = 'Prices are US dollars per million input / output tokens. Keys are never shown, only whether one was found.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json | jq ".models[] | select(.usable) | .name"']

  async run(): Promise<ModelsListResult> {
    const ctx = await this.loadCtx()
    const {modelAvailability} = await import('../../core/availability/model-availability.js')
    const {unavailable} = await modelAvailability(ctx.models, ctx.env)
    const models = ctx.models.map((m) => viewModel(m, unavailable.get(m.name)))
    const missing = ctx.missing.map((m) => viewMissingModel(m))
    if (!this.jsonEnabled()) {
      const rows: Row[] = [...models.map((view) => ({view})), ...missing.map((m) => ({missing: m}))]
      this.log(
        renderTable(rows, [
          {header: 'model', get: (r) => r.view?.name ?? r.missing?.name},
          {header: 'plugin', get: (r) => (r.view ? r.view.plugin.replace('@cto-cli/', '') : 'plugin missing')},
          {header: 'engine', get: (r) => r.view?.engine ?? '-'},
          {header: 'enabled', get: (r) => r.view?.enabled ?? r.missing?.enabled},
          {header: 'key', get: (r) => r.view?.key ?? '-'},
          {header: 'tools', get: (r) => r.view?.tools ?? '-'},
          {header: 'usable', get: (r) => r.view?.usable ?? false},
          {header: 'price in/out per 1M', get: (r) => (r.view ? formatPrice(r.view) : 'unknown')},
        ]),
      )
      for (const line of unavailableLines(models)) this.note(line)
      for (const m of missing) this.note(`${m.name}: plugin missing${m.source ? ` (named in ${m.source})` : ''}, so it is never used. Install its plugin, or remove it: cto config unset ${configKeyArg('worker_models', m.group, m.name)}`)
      for (const b of ctx.catalog.broken) this.note(`Plugin ${b.name} is broken: ${b.reason}`)
      for (const w of ctx.warnings) this.note(`Warning: ${w}`)
    }
    return {models, missing_models: missing, broken_plugins: ctx.catalog.broken.map((b) => ({name: b.name, reason: b.reason}))}
  }
}
