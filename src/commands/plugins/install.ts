import {commands} from '@oclif/plugin-plugins'
import {installSpec} from '../../core/plugins/install-spec.js'
import {localSourceProblem} from '../../core/plugins/local-source.js'
import {CtoError} from '../../core/errors.js'
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
      throw await this.explainNotFound(error)
    } finally {
      restore()
    }
    // The plugins this run installed (a reinstall replaces the instance), checked as every command will load them.
    const fresh = [...this.config.plugins.values()].filter((p) => before.get(p.name) !== p)
    // oclif printed nothing for --json: the document says what was installed (as "user": oclif's new
    // Plugin instance says "core", given no type, where its package.json entry says "user").
    const result: PluginsInstallResult = {installed: fresh.map((p) => ({...summarisePlugin(p as never), type: 'user'}))}
    if (fresh.length === 0) return result as never
    const installed = new Set(fresh.map((p) => p.name))
    const [{collectProviders}, {readConfigLayers}, {providerSettings}] = await Promise.all([
      import('../../core/providers/registry.js'),
      import('../../core/config/layers.js'),
      import('../../core/context.js'),
    ])
    // With the user's provider settings, as the next command calls the hook (a plugin may need them).
    const settings = await readConfigLayers({cwd, env: process.env, skipInvalidUserConfig: true}).then(providerSettings, () => undefined)
    const broken = (await collectProviders(this.config, {settings})).broken.filter((b) => installed.has(b.name))
    if (broken.length === 0) return result as never
    throw new CtoError({
      code: 'PLUGIN_BROKEN',
      message: broken.map((b) => `${b.name} is installed, but cto can't load it: ${b.reason}`).join(' '),
      actions: broken.map((b) => `To remove it instead: ${this.config.bin} plugins uninstall ${b.name}`),
    })
  }

  /** oclif's "X does not exist in the registry." for any failure of `npm view`: said so only when the registry answered that. */
  private async explainNotFound(error: unknown): Promise<unknown> {
    const name = /^(.+) does not exist in the registry\.$/.exec((error as Error)?.message ?? '')?.[1]
    if (!name) return error
    const {npmRegistry, probeRegistry} = await import('../../core/plugins/registry-probe.js')
    const registry = await npmRegistry(this.config.npmRegistry)
    const probe = await probeRegistry(registry, name)
    if (!probe.reached) {
      return new CtoError({
        code: 'NPM_REGISTRY_UNREACHABLE',
        message: `Could not reach the npm registry ${registry} (${probe.reason}), so ${name} was not installed.`,
        actions: ['Check your network connection (and npm\'s proxy settings), or the registry in CTO_NPM_REGISTRY, then try again.', `Or install it from its tarball or folder: ${this.config.bin} plugins install ./plugin.tgz`],
      })
    }
    if (probe.status === 404) {
      return new CtoError({
        code: 'NO_SUCH_PACKAGE',
        message: `No package ${name} in the npm registry ${registry}. Nothing was installed.`,
        actions: ['Check the name, or name another registry with CTO_NPM_REGISTRY=URL.'],
      })
    }
    return error
  }
}
