/**
 * A local plugin source (`file:/abs/path`, what installSpec makes of `./x`) checked before npm sees
 * it. npm answered a path that isn't there, or a folder without package.json, with eight lines of
 * "npm error enoent …", and oclif then with its own command line ("…/npm-cli.js install
 * file:/tmp/x --omit dev … exited with code 254") and "Run with DEBUG=@oclif/plugin-plugins*".
 */
import {statSync} from 'node:fs'
import {join} from 'node:path'
import {CtoError} from '../errors.js'

const GUIDE = 'Give a plugin folder (with its package.json and cto:providers hook), an npm tarball ("npm pack" in that folder), an npm name or a git URL.'

/** The error for a local source npm can't install, or undefined (not local, or it looks installable). */
export function localSourceProblem(spec: string, typed: string): CtoError | undefined {
  if (!spec.startsWith('file:') || spec.startsWith('file://')) return undefined
  const path = spec.slice('file:'.length)
  const stat = statSync(path, {throwIfNoEntry: false})
  if (!stat) {
    return new CtoError({code: 'PLUGIN_SOURCE_NOT_FOUND', message: `Cannot install ${typed}: ${path} does not exist. Nothing was installed.`, actions: ['Check the path.', GUIDE]})
  }
  if (stat.isDirectory() && !statSync(join(path, 'package.json'), {throwIfNoEntry: false})?.isFile()) {
    return new CtoError({code: 'PLUGIN_SOURCE_NOT_A_PACKAGE', message: `Cannot install ${typed}: ${path} has no package.json, so it is not an npm package. Nothing was installed.`, actions: [GUIDE]})
  }
  return undefined
}
