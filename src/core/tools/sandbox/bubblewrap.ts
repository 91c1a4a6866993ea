/**
 * Running a command inside bubblewrap (`bwrap`, Debian package `bubblewrap`): the whole system
 * read-only, only the workspace writable, a private /tmp, no network, its own PID namespace (so
 * killing bwrap kills everything inside), and the never-readable paths hidden.
 */
import {accessSync, constants, statSync} from 'node:fs'
import {delimiter, join} from 'node:path'

export function findBwrap(env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '/usr/bin:/bin').split(delimiter)) {
    if (!dir) continue
    const p = join(dir, 'bwrap')
    try {
      accessSync(p, constants.X_OK)
      return p
    } catch {
      // not here
    }
  }
  return undefined
}

export interface BwrapOptions {
  /** The only writable folder. */
  workspace: string
  cwd: string
  /** Paths to hide (empty folder or empty file in their place). */
  hide: string[]
}

export function bwrapArgs(opts: BwrapOptions, shellArgs: string[]): string[] {
  const args = [
    '--die-with-parent',
    '--new-session',
    '--unshare-net',
    '--unshare-pid',
    '--unshare-ipc',
    '--unshare-uts',
    '--ro-bind', '/', '/',
    '--dev', '/dev',
    '--proc', '/proc',
    '--tmpfs', '/tmp',
    '--bind', opts.workspace, opts.workspace,
  ]
  for (const p of opts.hide) {
    try {
      const st = statSync(p)
      if (st.isDirectory()) args.push('--tmpfs', p)
      else args.push('--ro-bind', '/dev/null', p)
    } catch {
      // absent: nothing to hide
    }
  }
  args.push('--chdir', opts.cwd, '--', ...shellArgs)
  return args
}
