import {commands} from '@oclif/plugin-plugins'
import {runBorrowed} from '../../core/cli/borrowed-command.js'
import {readUserPlugins} from '../../core/plugins/user-plugins.js'

const Base: (typeof commands)['plugins:update'] = commands['plugins:update']

/** `cto plugins update --json`: each installed plugin's version before and after. */
export interface PluginsUpdateResult {
  plugins: Array<{name: string; from: string | null; to: string | null}>
}

/** oclif's `plugins update` with `--json`, as every cto command (it had none). */
export default class PluginsUpdate extends Base {
  static override enableJsonFlag = true
  static override examples = [...(Base.examples ?? []), '<%= config.bin %> <%= command.id %> --json']

  override async run(): Promise<void> {
    const before = await readUserPlugins(this.config.dataDir)
    await runBorrowed(this, this.jsonEnabled(), () => super.run())
    const after = await readUserPlugins(this.config.dataDir)
    const result: PluginsUpdateResult = {plugins: after.map((p) => ({name: p.name, from: before.find((b) => b.name === p.name)?.version ?? null, to: p.version}))}
    return result as never
  }
}
