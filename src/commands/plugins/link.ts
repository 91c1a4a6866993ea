import {commands} from '@oclif/plugin-plugins'
import {runBorrowed} from '../../core/cli/borrowed-command.js'
import {readUserPlugins, type UserPlugin} from '../../core/plugins/user-plugins.js'

const Base: (typeof commands)['plugins:link'] = commands['plugins:link']

/** `cto plugins link --json`: the plugins this run linked. */
export interface PluginsLinkResult {
  linked: UserPlugin[]
}

/** oclif's `plugins link` with `--json`, as every cto command (it had none), and a warning naming the fix when the linked plugin can't load. */
export default class PluginsLink extends Base {
  static override enableJsonFlag = true
  static override examples = [...(Base.examples ?? []), '<%= config.bin %> <%= command.id %> . --no-install --json']

  override async run(): Promise<void> {
    const before = await readUserPlugins(this.config.dataDir)
    await runBorrowed(this, this.jsonEnabled(), () => super.run())
    const after = await readUserPlugins(this.config.dataDir)
    const result: PluginsLinkResult = {linked: after.filter((p) => p.type === 'link' && !before.some((b) => b.name === p.name && b.root === p.root))}
    // As after an install, a linked plugin that can't load (--no-install, dependencies not there) is said at once, with the fix.
    // oclif's link does not add the plugin to this process's config: loaded afresh, as the next command will.
    if (result.linked.length === 0) return result as never
    const [{Config}, {brokenAfterInstall}] = await Promise.all([import('@oclif/core'), import('../../core/plugins/install-check.js')])
    const broken = await brokenAfterInstall(await Config.load(this.config.root), new Set(result.linked.map((p) => p.name)), process.cwd(), 'linked')
    // A warning, not a failure: a plugin being written may well be broken for now, and linked is what was asked.
    if (broken) process.stderr.write(`Warning: ${broken.message}\n`)
    return result as never
  }
}
