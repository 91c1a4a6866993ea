import {commands} from '@oclif/plugin-plugins'
import {installSpec} from '../../core/plugins/install-spec.js'
import {localSourceProblem} from '../../core/plugins/local-source.js'
import {stdoutToStderr} from '../../core/cli/stdout-to-stderr.js'
import {summarisePlugin, type PluginSummary} from '../../core/plugins/plugin-summary.js'

const Base: (typeof commands)['plugins:install'] = commands['plugins:install']

/** `cto plugins install --json`: the plugins this run installed, as `cto plugins --json` lists them. */
export interface PluginsInstallResult {
  installed: PluginSummary[]
}

/**
 * oclif's `plugins install` with local paths that work: `./x.tgz`, `/abs/x.tgz`, `~/x.tgz` and
 * `file:x.tgz` are installed from that file (see src/core/plugins/install-spec.ts); a path that
 * isn't there, or a folder that isn't a package, is said so before npm runs. A provider plugin
 * that installed but can't load (a folder never `npm install`ed) fails the command with the fix,
 * rather than "installed" and a broken plugin found by the next command.
 */
export default class PluginsInstall extends Base {
  static override description = `${Base.description}

A local path (./plugin.tgz, /abs/plugin.tgz, ~/plugin.tgz, ../plugin-folder, file:plugin.tgz) installs that npm tarball or folder. A folder is installed as a link to it: its dependencies and built files come from that folder.`
  static override examples = [
    ...(Base.examples ?? []),
    {command: '<%= config.bin %> <%= command.id %> ./cto-provider-together-1.0.0.tgz', description: 'Install a plugin from an npm tarball (npm pack).'},
    {command: 'CTO_NPM_REGISTRY=http://127.0.0.1:4873 <%= config.bin %> <%= command.id %> cto-provider-together', description: 'Install a plugin from another npm registry.'},
  ]

  override async run(): Promise<void> {
    const cwd = process.cwd()
    this.argv = this.argv.map((a) => {
      if (a.startsWith('-')) return a
      const spec = installSpec(a, cwd)
      const problem = localSourceProblem(spec, a)
      if (problem) throw problem
      return spec
    })
    const before = new Map(this.config.plugins)
    // npm's output is progress: under --json it goes to stderr, so stdout is the JSON document alone.
    const restore = this.jsonEnabled() ? stdoutToStderr() : () => {}
    try {
      await super.run()
    } catch (error) {
      const {notFoundError} = await import('../../core/plugins/registry-probe.js')
      throw (await notFoundError((error as Error)?.message ?? '', this.config.npmRegistry, this.config.bin)) ?? error
    } finally {
      restore()
    }
    // The plugins this run installed (a reinstall replaces the instance).
    const fresh = [...this.config.plugins.values()].filter((p) => before.get(p.name) !== p)
    const {brokenAfterInstall} = await import('../../core/plugins/install-check.js')
    const broken = await brokenAfterInstall(this.config, new Set(fresh.map((p) => p.name)), cwd)
    if (broken) throw broken
    // oclif printed nothing for --json: the document says what was installed (as "user": oclif's new
    // Plugin instance says "core", given no type, where its package.json entry says "user").
    const result: PluginsInstallResult = {installed: fresh.map((p) => ({...summarisePlugin(p as never), type: 'user'}))}
    return result as never
  }
}
