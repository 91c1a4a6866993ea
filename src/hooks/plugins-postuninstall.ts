/**
 * After `cto plugins uninstall`: npm leaves a scope's folder behind when it removed the scope's last
 * package (an uninstalled plugin's `@cto-cli/provider-spec`): remove such empty folders, so the
 * plugin leaves nothing (test/cli/plugin-guide.e2e.test.ts).
 */
import {join} from 'node:path'
import {removeEmptyScopes} from '../core/plugins/empty-scopes.js'

// plugin-plugins' own hook event, not among oclif's typed ones: the hook gets {config}.
const hook = async function (opts: {config: {dataDir: string}}): Promise<void> {
  await removeEmptyScopes(join(opts.config.dataDir, 'node_modules'))
}

export default hook
