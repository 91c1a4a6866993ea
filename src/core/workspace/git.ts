/**
 * Running git for cto's own bookkeeping of attempt copies. Two trust levels:
 *   - `trusted`: the user's repository with the user's own config (global and system), as if the
 *     user typed the command. Read-only uses run with GIT_OPTIONAL_LOCKS=0, so not even the index's
 *     stat cache is rewritten.
 *   - `untrusted`: anything that touches a folder a worker could write. No system or global config,
 *     hooks and fsmonitor off, so a `.git/config`, `.gitattributes` or hook planted by a worker
 *     runs nothing (cto's git is not sandboxed: it must not execute what a model wrote).
 * Output is kept as bytes (patches carry binary data).
 */
import {execFile} from 'node:child_process'
import {existsSync} from 'node:fs'

import {CtoError} from '../errors.js'

export interface GitRun {
  code: number
  stdout: Buffer
  stderr: string
}

export interface GitOptions {
  cwd?: string
  env: NodeJS.ProcessEnv
  trust: 'trusted' | 'untrusted'
  /** Extra variables (GIT_DIR, GIT_WORK_TREE, GIT_INDEX_FILE, ...). */
  extraEnv?: Record<string, string>
  input?: Buffer | string
}

/** Settings that keep a git run from executing anything a worker could have planted. */
const UNTRUSTED_CONFIG = ['-c', 'core.hooksPath=/dev/null', '-c', 'core.fsmonitor=false', '-c', 'core.untrackedCache=false', '-c', 'protocol.allow=never', '-c', 'gc.auto=0']

/** The environment for git: the caller's, minus every GIT_* variable that would redirect it. */
export function gitEnv(base: NodeJS.ProcessEnv, opts: Pick<GitOptions, 'trust' | 'extraEnv'>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(base)) if (!k.startsWith('GIT_') && v !== undefined) env[k] = v
  env.GIT_OPTIONAL_LOCKS = '0'
  env.GIT_TERMINAL_PROMPT = '0'
  env.LC_ALL = 'C'
  if (opts.trust === 'untrusted') {
    env.GIT_CONFIG_NOSYSTEM = '1'
    env.GIT_CONFIG_GLOBAL = '/dev/null'
    env.GIT_LFS_SKIP_SMUDGE = '1'
  }
  return {...env, ...opts.extraEnv}
}

export function git(args: string[], opts: GitOptions): Promise<GitRun> {
  const fullArgs = opts.trust === 'untrusted' ? [...UNTRUSTED_CONFIG, ...args] : args
  return new Promise((resolve) => {
    const child = execFile(
      'git',
      fullArgs,
      {cwd: opts.cwd, env: gitEnv(opts.env, opts), encoding: 'buffer', maxBuffer: 512 * 1024 * 1024},
      (error, stdout, stderr) => {
        const e = error as (Error & {code?: number | string}) | null
        if (e && typeof e.code === 'string') {
          // Node reports a working folder that is not there as "spawn git ENOENT" too: that is not git missing.
          if (e.code === 'ENOENT' && opts.cwd !== undefined && !existsSync(opts.cwd)) {
            resolve({code: 1, stdout: Buffer.alloc(0), stderr: `the folder ${opts.cwd} is not there (deleted while cto used it?)`})
            return
          }
          resolve({code: e.code === 'ENOENT' ? 127 : 1, stdout: Buffer.alloc(0), stderr: e.message})
          return
        }
        resolve({code: e ? (typeof e.code === 'number' ? e.code : 1) : 0, stdout: stdout as Buffer, stderr: String(stderr)})
      },
    )
    // A git that exits before reading all of its input must not take cto down with an EPIPE.
    child.stdin?.on('error', () => undefined)
    if (opts.input !== undefined) child.stdin?.end(opts.input)
    else child.stdin?.end()
  })
}

/** Runs git and returns stdout as text; a failure becomes a CtoError naming the command and git's own words. */
export async function gitText(args: string[], opts: GitOptions, what: string): Promise<string> {
  const r = await gitOk(args, opts, what)
  return r.stdout.toString('utf8')
}

export async function gitOk(args: string[], opts: GitOptions, what: string): Promise<GitRun> {
  const r = await git(args, opts)
  if (r.code === 127) throw gitMissing()
  if (r.code !== 0) {
    throw new CtoError({
      code: 'GIT_FAILED',
      message: `Could not ${what}: git ${args.join(' ')} failed (${r.code}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`,
      actions: ['Run "cto task --in-place …" to work in your folder without a copy, and report this if it looks like a bug.'],
    })
  }
  return r
}

export function gitMissing(): CtoError {
  return new CtoError({
    code: 'GIT_NOT_FOUND',
    message: 'cto task runs each attempt in a copy of your workspace and needs git for it (to copy, compare and apply changes), but git is not installed.',
    actions: ['Install git (Debian/Ubuntu: apt-get install git; macOS: xcode-select --install).', 'Or run "cto task --in-place …" to let the worker act in your folder directly.'],
  })
}

/** Splits NUL-separated git output (`-z`). */
export function splitZ(out: Buffer | string): string[] {
  return String(out)
    .split('\0')
    .filter((s) => s.length > 0)
}
