import {Args} from '@oclif/core'
import {CtoCommand} from '../../core/cli/base-command.js'
import {ConfigError, UsageError} from '../../core/errors.js'
import {userConfigPath} from '../../core/paths.js'
import {shellKey} from '../../core/cli/config-key-arg.js'

export interface ConfigSetResult {
  key: string
  value: unknown
  file: string
  created: boolean
  changed: boolean
  /** A layer above the user config (project config, ORCHESTRATOR_CONFIG, CTO_MODEL, ...) that still decides this key. */
  overridden_by: string | null
}

export default class ConfigSet extends CtoCommand {
  static override summary = 'Set one key in your user config, keeping the rest of the file (comments, layout) as it is.'
  static override description =
    'VALUE is read as JSON when it is JSON (50000, true, null, ["a","b"]), else as text. The key and the whole file are checked against the config schema before anything is written: a file with an invalid value can be repaired this way (the file after the change must be valid), the file is replaced atomically, and a file that does not parse is never touched.'
  static override examples = [
    '<%= config.bin %> <%= command.id %> cto_model sonnet',
    '<%= config.bin %> <%= command.id %> cost_optimization.token_budget_per_day.claude 50000',
    '<%= config.bin %> <%= command.id %> providers.ollama.models \'["qwen2.5-coder:7b"]\'',
    '<%= config.bin %> <%= command.id %> provider_endpoints.deepseek.api_url http://localhost:8080/v1',
  ]
  static override args = {
    key: Args.string({description: 'a dotted config key, e.g. cost_optimization.enabled', required: true}),
    value: Args.string({description: 'the value (JSON, or text)', required: true}),
  }

  async run(): Promise<ConfigSetResult> {
    const {args} = await this.parse(ConfigSet)
    const {checkConfigKey, formatKey} = await import('../../core/config/config-keys.js')
    const {valueCandidates, effectiveValue} = await import('../../core/config/config-value.js')
    const {setConfigValue, ConfigEditRejected} = await import('../../core/config/edit.js')
    const key = await checkConfigKey(args.key)
    // A user config with an invalid value does not stop a set: the change may be its repair. The
    // file after the change must be valid, or nothing is written (edit.ts); one that does not parse is never touched.
    const ctx = await this.loadCtx(undefined, {skipInvalidUserConfig: true})
    const file = userConfigPath(ctx.env)
    const candidates = valueCandidates(args.value)
    // A CTO model must be one cto knows: a typo here would only show at the next task.
    if (key.path.length === 1 && key.path[0] === 'cto_model' && typeof candidates.at(-1) === 'string') {
      const {findModel} = await import('../../core/context.js')
      candidates.splice(0, candidates.length, findModel(ctx, candidates.at(-1) as string).name)
    }
    let firstError: unknown
    for (const value of candidates) {
      try {
        const edit = await setConfigValue(file, key.path, value)
        const after = effectiveValue(await this.loadCtx(), key.path)
        const overridden = typeof after.source === 'string' && after.source !== file && after.source !== 'default' ? after.source : null
        const result: ConfigSetResult = {key: formatKey(key.path), value, file, created: edit.created, changed: edit.changed, overridden_by: overridden}
        if (!this.jsonEnabled()) {
          this.log(`${edit.changed ? 'Set' : 'Already set:'} ${result.key} = ${JSON.stringify(value)} in ${file}`)
          if (overridden) this.note(`Note: ${overridden} sets ${result.key} too and takes precedence (cto uses ${JSON.stringify(after.value)}).`)
        }
        return result
      } catch (error) {
        // Only a schema problem makes the next reading worth a try; anything else (an unreadable file) stops here.
        if (!(error instanceof ConfigEditRejected)) throw error
        // Problems elsewhere in the file: no value of this key fixes them.
        const dotted = key.path.map(String).join('.')
        const elsewhere = error.problems.filter((p) => p.path !== dotted && !p.path.startsWith(`${dotted}.`))
        if (elsewhere.length > 0) {
          throw new ConfigError({
            file,
            problems: elsewhere,
            actions: [
              `Nothing was written: ${file} has ${elsewhere.length === 1 ? 'a problem' : 'problems'} this change does not fix. Fix ${elsewhere.length === 1 ? 'it' : 'them'} first (cto config set KEY VALUE, or cto config unset KEY), then set ${formatKey(key.path)} again.`,
              'See every problem with "cto config validate".',
            ],
          })
        }
        firstError ??= error
      }
    }
    const problem = (firstError as ConfigError).problems[0]
    throw new UsageError({
      code: 'CONFIG_BAD_VALUE',
      message: `Cannot set ${formatKey(key.path)} to ${args.value}: ${problem?.message ?? 'invalid'} (it must be ${key.expects}). Nothing was written.`,
      actions: [`cto config set ${shellKey(formatKey(key.path))} VALUE`, 'See the current values with "cto config show".'],
    })
  }
}
