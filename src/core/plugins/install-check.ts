/**
 * After `cto plugins install`: the plugins it installed, called as the next command will call them
 * (with the user's provider settings), so one that can't load fails the install with its fix rather
 * than "installed" and a broken plugin found by the next command.
 */
import type {Config} from '@oclif/core'
import {CtoError} from '../errors.js'

export async function brokenAfterInstall(config: Config, installed: ReadonlySet<string>, cwd: string, how: 'installed' | 'linked' = 'installed'): Promise<CtoError | undefined> {
  if (installed.size === 0) return undefined
  const [{collectProviders}, {readConfigLayers}, {providerSettings}] = await Promise.all([import('../providers/registry.js'), import('../config/layers.js'), import('../context.js')])
  const settings = await readConfigLayers({cwd, env: process.env, skipInvalidUserConfig: true}).then(providerSettings, () => undefined)
  const broken = (await collectProviders(config, {settings})).broken.filter((b) => installed.has(b.name))
  if (broken.length === 0) return undefined
  return new CtoError({
    code: 'PLUGIN_BROKEN',
    message: broken.map((b) => `${b.name} is ${how}, but cto can't load it: ${b.reason}`).join(' '),
    actions: broken.map((b) => `To remove it instead: ${config.bin} plugins uninstall ${b.name}`),
  })
}
