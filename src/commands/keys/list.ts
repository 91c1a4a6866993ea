import {CtoCommand} from '../../core/cli/base-command.js'
import {renderTable} from '../../core/cli/table.js'
import {maskKey} from '../../core/keys/agent-config.js'
import {describeKeySource} from '../../core/models/describe.js'

export interface KeyView {
  model: string
  has_key: boolean
  needs_key: boolean
  source: string | null
  env_var: string | null
  /** At most the last four characters. */
  masked: string | null
}

export default class KeysList extends CtoCommand {
  static override summary = 'Show which models have a key and where it comes from (masked).'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']

  async run(): Promise<{keys: KeyView[]; warnings: string[]}> {
    const ctx = await this.loadCtx()
    const keys = ctx.models.map((m) => ({
      model: m.name,
      has_key: m.apiKey !== undefined,
      needs_key: m.needsKey,
      source: describeKeySource(m),
      env_var: m.keyEnvVar ?? null,
      masked: m.apiKey ? maskKey(m.apiKey) : null,
    }))
    const warnings = ctx.warnings.filter((w) => w.includes('chmod') || w.includes('agents'))
    if (!this.jsonEnabled()) {
      this.log(
        renderTable(keys, [
          {header: 'model', get: (k) => k.model},
          {header: 'key', get: (k) => (k.has_key ? (k.masked as string) : k.needs_key ? 'missing' : 'not needed')},
          {header: 'from', get: (k) => k.source ?? (k.needs_key ? `set ${k.env_var} or run "cto keys set ${k.model}"` : undefined)},
        ]),
      )
      for (const w of warnings) this.note(`Warning: ${w}`)
    }
    return {keys, warnings}
  }
}
