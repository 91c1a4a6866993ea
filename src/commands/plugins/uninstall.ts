import {commands} from '@oclif/plugin-plugins'
import {CtoError, UsageError} from '../../core/errors.js'
import {suggest} from '../../core/cli/did-you-mean.js'
import {runBorrowed} from '../../core/cli/borrowed-command.js'

const Base: (typeof commands)['plugins:uninstall'] = commands['plugins:uninstall']

/** `cto plugins uninstall --json`: the plugins this run removed. */
export interface PluginsUninstallResult {
  uninstalled: string[]
}

/**
 * oclif's `plugins uninstall` with `--json` (it had none: "Nonexistent flag: --json", where every
 * cto command takes it), and a name that isn't installed as a usage error naming the closest
 * installed plugin, as `plugins inspect` does; a plugin that comes with cto is said to be one
 * (it was "@cto-cli/provider-ollama is not installed"), with how to turn its models off.
 */
export default class PluginsUninstall extends Base {
  static override enableJsonFlag = true
  static override examples = [...(Base.examples ?? []), '<%= config.bin %> <%= command.id %> cto-provider-together --json']

  override async run(): Promise<void> {
    const before = new Set(this.config.plugins.keys())
    try {
      await runBorrowed(this, this.jsonEnabled(), () => super.run())
    } catch (error) {
      const missing = /^(.+) is not installed$/.exec((error as Error).message ?? '')
      if (!missing) throw error
      throw this.notInstalled(missing[1] as string)
    }
    const result: PluginsUninstallResult = {uninstalled: [...before].filter((name) => !this.config.plugins.has(name))}
    return result as never
  }

  private notInstalled(name: string): CtoError {
    const list = `See the installed plugins with "${this.config.bin} plugins".`
    if (name === '.') return new UsageError({code: 'NO_SUCH_PLUGIN', message: 'Name the plugin to uninstall (this folder is not an installed or linked plugin).', actions: [list]})
    const core = this.config.getPluginsList().find((p) => p.name === name && p.type === 'core')
    if (core) {
      return new UsageError({
        code: 'PLUGIN_IS_CORE',
        message: `${name} comes with cto and can't be uninstalled.`,
        actions: [`Turn its models off instead: "${this.config.bin} models disable MODEL" (see "${this.config.bin} models list").`],
      })
    }
    const installed = this.config.getPluginsList().filter((p) => p.type === 'user' || p.type === 'link').map((p) => p.name)
    const guess = suggest(name, installed)
    return new UsageError({code: 'NO_SUCH_PLUGIN', message: `No plugin "${name}" is installed.${guess ? ` Did you mean "${guess}"?` : ''}`, actions: [list]})
  }
}
