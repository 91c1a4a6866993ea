import {Args} from '@oclif/core'
import {CtoCommand} from '../../core/cli/base-command.js'
import {collectProviders} from '../../core/providers/registry.js'
import {validateConfig, type ValidateReport} from '../../core/config/validate.js'

export default class ConfigValidate extends CtoCommand {
  static override summary = 'Check config files: exit 0 when valid, 1 listing every problem.'
  static override description =
    'Without FILE, checks every file cto would read (user config, project config, ORCHESTRATOR_CONFIG / CTO_CONFIG). ' +
    'Problems are printed in the order of the file, as FILE:LINE:COLUMN PATH: message. Warnings (unknown models, legacy names, unknown keys) do not fail the check. ' +
    'A file in the config folder under another name (config.yaml, .ctorc, …) is not read; it fails the check when there is no config.json.'
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> ~/clautonomous/linux/orchestrator_config.json',
    '<%= config.bin %> <%= command.id %> .ctorc.yaml --json',
  ]
  static override args = {file: Args.string({description: 'a config file to check (JSON or YAML)'})}

  async run(): Promise<ValidateReport> {
    const {args} = await this.parse(ConfigValidate)
    const catalog = await collectProviders(this.config)
    const report = await validateConfig({file: args.file, cwd: process.cwd(), env: process.env, catalog})
    if (!this.jsonEnabled()) {
      if (report.files.length === 0) this.log('No config files found: cto uses its defaults (see "cto config show").')
      for (const f of report.files) {
        this.log(`${f.valid ? 'ok     ' : 'invalid'}  ${f.file} (${f.role})`)
        for (const p of f.problems) {
          const pos = p.line === undefined ? '' : `:${p.line}:${p.column ?? 1}`
          this.log(`  ${f.file}${pos}${p.path ? ` ${p.path}` : ''}: ${p.message}`)
        }
        for (const w of f.warnings) this.log(`  warning: ${w}`)
      }
    }
    if (!report.valid) {
      if (this.jsonEnabled()) this.logJson(report)
      this.exit(1)
    }
    return report
  }
}
