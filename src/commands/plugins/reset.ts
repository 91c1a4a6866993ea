import {Flags} from '@oclif/core'
import {commands} from '@oclif/plugin-plugins'
import {runBorrowed} from '../../core/cli/borrowed-command.js'
import {UsageError} from '../../core/errors.js'
import {readUserPlugins, type UserPlugin} from '../../core/plugins/user-plugins.js'

const Base: (typeof commands)['plugins:reset'] = commands['plugins:reset']

/** `cto plugins reset --json`: what was there before, and what is there now (after --reinstall). */
export interface PluginsResetResult {
  removed: UserPlugin[]
  now: UserPlugin[]
}

/** oclif's `plugins reset` with `--json`, as every cto command (it had none), and asking first, as `cto perf reset` does (it removed every plugin without a word). */
export default class PluginsReset extends Base {
  static override enableJsonFlag = true
  static override summary = 'Remove all user-installed and linked plugins (asks first; --yes to skip).'
  static override flags = {...Base.flags, yes: Flags.boolean({char: 'y', description: 'Do not ask.'})}
  static override examples = [...(Base.examples ?? []), '<%= config.bin %> <%= command.id %> --yes --json']

  override async run(): Promise<void> {
    const {flags} = await this.parse(PluginsReset)
    const before = await readUserPlugins(this.config.dataDir)
    if (before.length > 0 && !flags.yes) {
      const names = before.map((p) => p.name).join(', ')
      if (!process.stdin.isTTY || this.jsonEnabled()) {
        throw new UsageError({code: 'PLUGINS_RESET_NEEDS_YES', message: `cto plugins reset asks before removing ${names}, and there is no terminal to ask on.`, actions: [`${this.config.bin} plugins reset --yes`]})
      }
      const {createInterface} = await import('node:readline/promises')
      const rl = createInterface({input: process.stdin, output: process.stderr})
      const answer = await rl.question(`Remove ${before.length} plugin(s): ${names}${flags.reinstall ? ' (then install them again)' : ''}? [y/N] `)
      rl.close()
      if (!/^y(es)?$/i.test(answer.trim())) {
        this.log('Nothing changed.')
        return {removed: [], now: before} as never
      }
    }
    this.argv = this.argv.filter((a) => a !== '--yes' && a !== '-y')
    await runBorrowed(this, this.jsonEnabled(), () => super.run())
    const result: PluginsResetResult = {removed: before, now: await readUserPlugins(this.config.dataDir)}
    return result as never
  }
}
