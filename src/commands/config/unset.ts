import {Args} from '@oclif/core'
import {CtoCommand} from '../../core/cli/base-command.js'
import {userConfigPath} from '../../core/paths.js'
import {CtoError} from '../../core/errors.js'
import type {KeyPath} from '../../core/config/config-keys.js'

export interface ConfigUnsetResult {
  key: string
  file: string
  /** The key was in the user config (and is gone now). */
  changed: boolean
  /** What cto uses now, and where it comes from. */
  value: unknown
  source: string | Record<string, string> | null
}

export default class ConfigUnset extends CtoCommand {
  static override summary = 'Remove one key from your user config (sections it leaves empty go too), keeping the rest of the file.'
  static override description =
    'KEY is a key cto knows, or a key your user config holds that cto does not know (a typo every command warns about, e.g. cto_modle): it is removed all the same. A key that is neither is refused, with the closest known key.'
  static override examples = ['<%= config.bin %> <%= command.id %> cto_model', '<%= config.bin %> <%= command.id %> worker_models.external.kimi --json']
  static override args = {key: Args.string({description: 'a dotted config key, e.g. cost_optimization.enabled', required: true})}

  async run(): Promise<ConfigUnsetResult> {
    const {args} = await this.parse(ConfigUnset)
    const {checkConfigKey, formatKey, parseKey} = await import('../../core/config/config-keys.js')
    const {effectiveValue} = await import('../../core/config/config-value.js')
    const {configFileHasKey, unsetConfigValue} = await import('../../core/config/edit.js')
    const file = userConfigPath()
    let path: KeyPath
    try {
      path = (await checkConfigKey(args.key)).path
    } catch (error) {
      // A key cto does not know but the file holds (a typo cto warns about) can still be removed;
      // one that is in neither is refused, with the closest known key.
      if (!CtoError.isInstance(error) || error.code !== 'CONFIG_UNKNOWN_KEY' || !(await configFileHasKey(file, parseKey(args.key)))) throw error
      path = parseKey(args.key)
    }
    const edit = await unsetConfigValue(file, path)
    const now = effectiveValue(await this.loadCtx(), path)
    const result: ConfigUnsetResult = {key: formatKey(path), file, changed: edit.changed, value: now.value ?? null, source: now.source}
    if (!this.jsonEnabled()) {
      this.log(edit.changed ? `Removed ${result.key} from ${file}` : `${result.key} was not set in ${file}; nothing changed.`)
      if (now.value !== undefined && typeof now.source === 'string') this.note(`cto now uses ${JSON.stringify(now.value)} (from ${now.source}).`)
    }
    return result
  }
}
