/**
 * The default workspace: the top-level folder of the git repository a folder is in (the nearest
 * folder upward holding `.git`, a folder or a worktree's file), else the folder itself. Found with a
 * few stat calls, without running git: the policy asks on every decision. A repository at the home
 * folder or above it (a dotfiles repository) is not taken: the whole home folder is a workspace only
 * when the config says so.
 */
import {statSync} from 'node:fs'
import {dirname, join, relative, resolve} from 'node:path'

function isAtOrAbove(dir: string, home: string): boolean {
  const rel = relative(dir, home)
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith('/'))
}

export function projectRoot(folder: string, home: string): string {
  const start = resolve(folder)
  for (let dir = start; ; dir = dirname(dir)) {
    if (isAtOrAbove(dir, resolve(home))) return start
    try {
      statSync(join(dir, '.git'))
      return dir
    } catch {
      // not here
    }
    if (dirname(dir) === dir) return start
  }
}
