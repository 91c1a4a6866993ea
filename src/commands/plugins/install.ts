import {commands} from '@oclif/plugin-plugins'
import {installSpec} from '../../core/plugins/install-spec.js'

const Base: (typeof commands)['plugins:install'] = commands['plugins:install']

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
    return super.run()
  }
}
