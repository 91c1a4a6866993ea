/**
 * What to do about a plugin whose hook module can't load because a file it imports is not there.
 * A plugin installed from a folder is a link to that folder (npm's install-links=false), so its
 * dependencies and built files come from the folder itself: one never `npm install`ed (or never
 * built) was reported as oclif's "[MODULE_NOT_FOUND] import() failed to load /…/providers.js:
 * Cannot find package '@cto-cli/provider-spec' imported from /…/providers.js", with no fix.
 */
import {realpathSync} from 'node:fs'
import {isAbsolute, relative} from 'node:path'

export interface PluginPlace {
  name: string
  root: string
  /** oclif's plugin type: core, user (installed), link (linked). */
  type: string
}

/** The package or file an import could not find, from Node's message. */
export function missingImport(message: string): string | undefined {
  return /Cannot find (?:package|module) '([^']+)'/.exec(message)?.[1]
}

/**
 * Why the plugin can't load and what to do, as one clause that follows "Plugin X is broken: ", or
 * undefined when the failure is not a missing import (then the message itself is the reason).
 */
export function loadFailureReason(plugin: PluginPlace, message: string): string | undefined {
  const missing = missingImport(message)
  if (!missing) return undefined
  const folder = realFolder(plugin.root)
  // Installed from a folder (a link to it) or linked: the fix is in that folder, not a reinstall.
  const fromFolder = plugin.type === 'link' || folder !== plugin.root
  const reinstall = `reinstall it with "cto plugins install ${plugin.name}"`
  if (isAbsolute(missing) || missing.startsWith('file:')) {
    const path = missing.replace(/^file:\/\//, '')
    const file = [plugin.root, folder].map((r) => relative(r, path)).find((f) => !f.startsWith('..')) ?? path
    return fromFolder ? `its file ${file} is not there: build the plugin in ${folder} ("npm run build"), then run the command again.` : `its file ${file} is not there: ${reinstall}.`
  }
  return fromFolder
    ? `it imports ${missing}, which is not installed in ${folder} (cto uses that folder as it is): run "npm install" there.`
    : `it imports ${missing}, which is missing: ${reinstall}.`
}

function realFolder(root: string): string {
  try {
    return realpathSync(root)
  } catch {
    return root
  }
}
