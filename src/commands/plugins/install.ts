import {commands} from '@oclif/plugin-plugins'
import {installSpec} from '../../core/plugins/install-spec.js'
import {stdoutToStderr} from '../../core/cli/stdout-to-stderr.js'
import {summarisePlugin, type PluginSummary} from '../../core/plugins/plugin-summary.js'

const Base: (typeof commands)['plugins:install'] = commands['plugins:install']

/** `cto plugins install --json`: the plugins this run installed, as `cto plugins --json` lists them. */
export interface PluginsInstallResult {
  installed: PluginSummary[]
}

/**
 * oclif's `plugins install` with local paths that work: `./x.tgz`, `/abs/x.tgz`, `~/x.tgz` and
 * `file:x.tgz` are installed from that file (see src/core/plugins/install-spec.ts).
 */
export default class PluginsInstall extends Base {
  static override description = `${Base.description}

A local path (./plugin.tgz, /abs/plugin.tgz, ~/plugin.tgz, ../plugin-folder, file:plugin.tgz) installs that npm tarball or folder.`
  static override examples = [
    ...(Base.examples ?? []),
    {command: '<%= config.bin %> <%= command.id %> ./cto-provider-together-1.0.0.tgz', description: 'Install a plugin from an npm tarball (npm pack).'},
    {command: 'CTO_NPM_REGISTRY=http://127.0.0.1:4873 <%= config.bin %> <%= command.id %> cto-provider-together', description: 'Install a plugin from another npm registry.'},
  ]

  override async run(): Promise<void> {
    const cwd = process.cwd()
    this.argv = this.argv.map((a) => (a.startsWith('-') ? a : installSpec(a, cwd)))
    const before = new Map(this.config.plugins)
    // npm's output is progress: under --json it goes to stderr, so stdout is the JSON document alone.
    const restore = this.jsonEnabled() ? stdoutToStderr() : () => {}
    try {
      await super.run()
    } finally {
      restore()
    }
    // The plugins this run installed (a reinstall replaces the instance).
    const fresh = [...this.config.plugins.values()].filter((p) => before.get(p.name) !== p)
    // oclif printed nothing for --json: the document says what was installed (as "user": oclif's new
    // Plugin instance says "core", given no type, where its package.json entry says "user").
    const result: PluginsInstallResult = {installed: fresh.map((p) => ({...summarisePlugin(p as never), type: 'user'}))}
    return result as never
  }
}
