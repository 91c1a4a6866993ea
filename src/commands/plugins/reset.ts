import {commands} from '@oclif/plugin-plugins'
import {runBorrowed} from '../../core/cli/borrowed-command.js'
import {readUserPlugins, type UserPlugin} from '../../core/plugins/user-plugins.js'

const Base: (typeof commands)['plugins:reset'] = commands['plugins:reset']

/** `cto plugins reset --json`: what was there before, and what is there now (after --reinstall). */
export interface PluginsResetResult {
  removed: UserPlugin[]
  now: UserPlugin[]
}

/** oclif's `plugins reset` with `--json`, as every cto command (it had none). */
export default class PluginsReset extends Base {
  static override enableJsonFlag = true
  static override examples = [...(Base.examples ?? []), '<%= config.bin %> <%= command.id %> --json']

  override async run(): Promise<void> {
    const before = await readUserPlugins(this.config.dataDir)
    await runBorrowed(this, this.jsonEnabled(), () => super.run())
    const result: PluginsResetResult = {removed: before, now: await readUserPlugins(this.config.dataDir)}
    return result as never
  }
}
