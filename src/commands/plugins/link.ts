import {commands} from '@oclif/plugin-plugins'
import {runBorrowed} from '../../core/cli/borrowed-command.js'
import {readUserPlugins, type UserPlugin} from '../../core/plugins/user-plugins.js'

const Base: (typeof commands)['plugins:link'] = commands['plugins:link']

/** `cto plugins link --json`: the plugins this run linked. */
export interface PluginsLinkResult {
  linked: UserPlugin[]
}

/** oclif's `plugins link` with `--json`, as every cto command (it had none). */
export default class PluginsLink extends Base {
  static override enableJsonFlag = true
  static override examples = [...(Base.examples ?? []), '<%= config.bin %> <%= command.id %> . --no-install --json']

  override async run(): Promise<void> {
    const before = await readUserPlugins(this.config.dataDir)
    await runBorrowed(this, this.jsonEnabled(), () => super.run())
    const after = await readUserPlugins(this.config.dataDir)
    const result: PluginsLinkResult = {linked: after.filter((p) => p.type === 'link' && !before.some((b) => b.name === p.name && b.root === p.root))}
    return result as never
  }
}
