/**
 * git beside bubblewrap's stand-ins. sandbox-runtime keeps a list of files and folders in cto's
 * working folder read-only (below); where one is missing, bubblewrap mounts /dev/null there while a
 * command runs, so the command sees `.bashrc`, `.mcp.json`, `.vscode`, … as character devices. git
 * refuses to add those: `git add -A` and `git add .` — what a coding model runs before every commit
 * — failed at the project's top with "error: .bash_profile: can only add regular files".
 *
 * So a command that runs inside that repository gets one more git setting through git's own
 * environment channel (GIT_CONFIG_COUNT/KEY/VALUE, appended after sandbox-runtime's): an excludes
 * file that holds the user's own global excludes and, anchored at the repository's top, exactly
 * the stand-ins (names that exist for real stay as they are). The file is written into the
 * command's private /tmp; nothing in the user's repository changes.
 */
import {execFileSync} from 'node:child_process'
import {lstatSync, readFileSync, statSync} from 'node:fs'
import {homedir} from 'node:os'
import {isAbsolute, join, relative, sep} from 'node:path'

/**
 * sandbox-runtime 0.0.78's DANGEROUS_FILES and getDangerousDirectories() (sandbox-utils.js; not
 * exported). test/tools/sandbox.test.ts lists the character devices a real command sees, so a new
 * release that protects more names fails a test rather than git.
 */
export const RUNTIME_PROTECTED = ['.gitconfig', '.gitmodules', '.bashrc', '.bash_profile', '.zshrc', '.zprofile', '.profile', '.ripgreprc', '.mcp.json', '.vscode', '.idea', '.claude/commands', '.claude/agents']

const MAX_GLOBAL_EXCLUDES = 64 * 1024

function exists(path: string): boolean {
  try {
    lstatSync(path)
    return true
  } catch {
    return false
  }
}

const asked = new Map<string, string | undefined>()

/** A git answer about a folder, asked once per process (the repository's top and excludes setting don't move under a running cto). */
function gitOut(cwd: string, args: string[], env: NodeJS.ProcessEnv = process.env): string | undefined {
  const key = `${cwd}\u0000${args.join('\u0000')}`
  if (asked.has(key)) return asked.get(key)
  let out: string | undefined
  try {
    // Outside the sandbox, in a folder a model may have written: no hooks, no fsmonitor (as workspace/git.ts's `untrusted`).
    out = execFileSync('git', ['-c', 'core.hooksPath=/dev/null', '-c', 'core.fsmonitor=false', ...args], {cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000}).trim() || undefined
  } catch {
    out = undefined
  }
  asked.set(key, out)
  return out
}

/** A path as a gitignore pattern matching only itself: anchored, its special characters escaped. */
function literalPattern(path: string): string {
  return `/${path
    .split(sep)
    .join('/')
    .replace(/[\\*?[\]!#]/g, (c) => `\\${c}`)
    .replace(/ $/, '\\ ')}`
}

/** The git excludes a command in `commandCwd` needs, or undefined when it needs none. */
export function standInExcludes(runtimeCwd: string, commandCwd: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const missing = RUNTIME_PROTECTED.filter((p) => !exists(join(runtimeCwd, p)))
  if (missing.length === 0) return undefined
  const top = gitOut(runtimeCwd, ['rev-parse', '--show-toplevel'])
  if (!top) return undefined
  const within = relative(top, commandCwd)
  if (within.startsWith('..') || isAbsolute(within)) return undefined
  const base = relative(top, runtimeCwd)
  const patterns = missing.map((p) => literalPattern(base ? join(base, p) : p))
  // The user's own excludes still count: this setting takes core.excludesFile's place. Only the
  // global setting is read (a repository's own config is the model's to write in a nested repo,
  // and could name ~/.ssh/id_rsa, whose text would land in a file the command can read), and only a
  // regular file (a FIFO would block).
  const configured = gitOut(runtimeCwd, ['config', '--global', '--path', '--get', 'core.excludesFile'], env)
  const file = configured ?? join(env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config'), 'git', 'ignore')
  let own = ''
  try {
    if (statSync(file).isFile()) own = readFileSync(file, 'utf8').slice(0, MAX_GLOBAL_EXCLUDES)
  } catch {
    // none
  }
  return `${own}${own && !own.endsWith('\n') ? '\n' : ''}${patterns.join('\n')}\n`
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`

/**
 * One line of bash, run before the command in the sandbox: writes the excludes into the private
 * TMPDIR and appends core.excludesFile to git's environment settings.
 */
export function gitExcludesPrefix(excludes: string): string {
  const file = '"${TMPDIR:-/tmp}/cto-git-excludes"'
  const lines = excludes.replace(/\n$/, '').split('\n')
  return `printf '%s\\n' ${lines.map(quote).join(' ')} > ${file} 2>/dev/null && { n=\${GIT_CONFIG_COUNT:-0}; export "GIT_CONFIG_KEY_$n=core.excludesFile" "GIT_CONFIG_VALUE_$n=\${TMPDIR:-/tmp}/cto-git-excludes" GIT_CONFIG_COUNT=$((n + 1)); };`
}
