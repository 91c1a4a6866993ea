import {join} from 'node:path'
import {commands} from '@oclif/plugin-plugins'
import {removeEmptyScopes} from '../../core/plugins/empty-scopes.js'

const Base: (typeof commands)['plugins:uninstall'] = commands['plugins:uninstall']

/** oclif's `plugins uninstall`, leaving no empty scope folder behind (see src/core/plugins/empty-scopes.ts). */
export default class PluginsUninstall extends Base {
  override async run(): Promise<void> {
    await super.run()
    await removeEmptyScopes(join(this.config.dataDir, 'node_modules'))
  }
}
