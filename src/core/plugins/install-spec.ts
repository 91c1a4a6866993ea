/**
 * What `cto plugins install` hands npm. @oclif/plugin-plugins 5 reads any argument with a `/` and
 * no `:` as a GitHub repository (`./x.tgz` became https://github.com/./x.tgz and failed after a
 * minute of git), and npm resolves a relative `file:` path from cto's data folder, not from where
 * the user typed it. A local path — `./x.tgz`, `../dir`, `/abs/x.tgz`, `~/x.tgz`, `x.tgz` that
 * exists, `file:rel/x.tgz` — becomes `file:<absolute path>`; anything else (an npm name, a
 * `@scope/name@tag`, a git or https URL, `user/repo`) is left as it is.
 */
import {existsSync} from 'node:fs'
import {isAbsolute, resolve} from 'node:path'
import {homedir} from 'node:os'

const ARCHIVE = /\.(tgz|tar\.gz|tar)$/i

export function installSpec(arg: string, cwd: string, home: string = homedir()): string {
  if (arg.startsWith('file:')) {
    const rest = arg.slice('file:'.length)
    if (rest.startsWith('//')) return arg
    return `file:${absolute(rest, cwd, home)}`
  }
  const looksLocal = arg.startsWith('./') || arg.startsWith('../') || arg === '.' || arg === '..' || isAbsolute(arg) || arg.startsWith('~/')
  if (looksLocal) return `file:${absolute(arg, cwd, home)}`
  // A bare archive name is an npm name only when no such file is here.
  if (ARCHIVE.test(arg) && !arg.startsWith('@') && existsSync(resolve(cwd, arg))) return `file:${resolve(cwd, arg)}`
  return arg
}

function absolute(p: string, cwd: string, home: string): string {
  if (p === '~' || p.startsWith('~/')) return resolve(home, p.slice(2))
  return resolve(cwd, p)
}
