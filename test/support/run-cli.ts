/**
 * Runs the built CLI (bin/run.js) as a child process in a sandbox: HOME, XDG_CONFIG_HOME and
 * XDG_DATA_HOME point into a temp folder, so no test reads or writes the real user's files.
 */
import {execFile} from 'node:child_process'
import {mkdtemp, mkdir, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'

export const REPO = resolve(import.meta.dirname, '..', '..')
/** The CLI under test; CTO_TEST_BIN points the end-to-end tests at another build (e.g. the code before a change). */
export const BIN = process.env.CTO_TEST_BIN ?? join(REPO, 'bin', 'run.js')

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

export interface Sandbox {
  home: string
  configHome: string
  dataHome: string
  env: NodeJS.ProcessEnv
  /** `$XDG_CONFIG_HOME/cto/config.json` of this sandbox. */
  userConfigFile: string
  /** Writes the user config: an object as JSON, a string as it is. */
  writeUserConfig(data: unknown): Promise<void>
  run(args: string[], opts?: {env?: NodeJS.ProcessEnv; cwd?: string; input?: string; timeoutMs?: number}): Promise<CliResult>
  json<T = unknown>(args: string[], opts?: {env?: NodeJS.ProcessEnv; cwd?: string}): Promise<T>
  cleanup(): Promise<void>
}

/** Variables that would leak the developer's setup into a test. */
const SCRUB = /(_API_KEY|_TOKEN|_SECRET)$|^(CTO_|ORCHESTRATOR_CONFIG|MODEL_PROVIDER|XDG_|ANTHROPIC_|OPENAI_)/

export async function makeSandbox(): Promise<Sandbox> {
  const home = await mkdtemp(join(tmpdir(), 'cto-test-'))
  const configHome = join(home, '.config')
  const dataHome = join(home, '.local', 'share')
  await mkdir(configHome, {recursive: true})
  const base: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !SCRUB.test(k)))
  const env: NodeJS.ProcessEnv = {...base, HOME: home, XDG_CONFIG_HOME: configHome, XDG_DATA_HOME: dataHome, NO_COLOR: '1'}
  const run: Sandbox['run'] = (args, opts = {}) =>
    new Promise((resolvePromise) => {
      const child = execFile(
        process.execPath,
        [BIN, ...args],
        {cwd: opts.cwd ?? home, env: {...env, ...opts.env}, timeout: opts.timeoutMs ?? 60_000, maxBuffer: 32 * 1024 * 1024},
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0
          resolvePromise({code, stdout: String(stdout), stderr: String(stderr)})
        },
      )
      child.stdin?.end(opts.input ?? '')
    })
  const userConfigFile = join(configHome, 'cto', 'config.json')
  return {
    home,
    configHome,
    dataHome,
    env,
    userConfigFile,
    async writeUserConfig(data: unknown) {
      await mkdir(join(configHome, 'cto'), {recursive: true})
      await writeFile(userConfigFile, typeof data === 'string' ? data : JSON.stringify(data, null, 2))
    },
    run,
    async json<T>(args: string[], opts?: {env?: NodeJS.ProcessEnv; cwd?: string}) {
      const r = await run([...args, '--json'], opts)
      try {
        return JSON.parse(r.stdout) as T
      } catch {
        throw new Error(`cto ${args.join(' ')} --json printed no JSON (exit ${r.code}).\nstdout: ${r.stdout}\nstderr: ${r.stderr}`)
      }
    },
    cleanup: () => rm(home, {recursive: true, force: true}),
  }
}
