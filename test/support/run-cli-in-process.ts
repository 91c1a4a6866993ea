/**
 * Runs cto commands inside the test's own process, from the TypeScript sources: no build, and no
 * new Node process (~0.5 s of start-up) per command. The sandbox is run-cli.ts's (HOME,
 * XDG_CONFIG_HOME and XDG_DATA_HOME in a temp folder); only `run` and `json` differ.
 *
 * A call does what bin/run.js does, in this process: oclif's `run` with cto's JSON error rendering
 * installed, then oclif's own `handle` for an error (the same message on stderr, the same exit code:
 * 1, 2, 3, 64, 130 or a `--json` error document). For the call, and only for it, process.env, the
 * working folder, process.argv, stdin (the `input`, else empty, as a pipe), stdout and stderr
 * (captured; not a terminal) and process.exit (recorded, never ends the test) are the command's;
 * all are put back after it. Calls never overlap: one waits for the one before it.
 *
 * Commands and hooks load from src/ (cto's package.json is read with its dist/ targets pointed at
 * src/, through tsx's loader), the provider plugins' hooks from plugins/<name>/src, and
 * @cto-cli/provider-spec from its src/ (the "@cto-cli/source" export condition vitest.config.ts
 * sets). A built oclif.manifest.json is ignored: a stale dist/ is never what runs. Other plugins
 * load as bin/run.js loads them (oclif's own, and a user's from its folder under XDG_DATA_HOME).
 *
 * What needs a process of its own stays with run-cli.ts (`*.e2e.test.ts`, `npm run test:e2e`):
 * signals, a terminal, a real slow pipe, another user, `cto plugins install/link` and plugins
 * whose hooks hang (the process must still exit), several cto processes at once, Claude Code
 * calling the built hook, and anything that reads dist/. A call that times out is reported as a
 * failure, but it is not stopped: what it still does runs in the test's process.
 */
import {Console} from 'node:console'
import {existsSync, readFileSync, realpathSync} from 'node:fs'
import {join, sep} from 'node:path'
import {Readable} from 'node:stream'
import {Command, Config, Errors, handle, Plugin, run, settings, ux} from '@oclif/core'
import {installJsonErrorRendering} from '../../src/core/cli/oclif-json-errors.js'
import {makeSandbox, REPO, type CliResult, type Sandbox} from './run-cli.js'

export type RunOptions = {env?: NodeJS.ProcessEnv; cwd?: string; input?: string; timeoutMs?: number}

// The TypeScript sources run natively, as oclif imports them: through tsx's loader, as bin/dev.js
// does with `node --import tsx`. (oclif's own tsx registration fails inside vitest, and would fall
// back to dist/ without a word; so oclif's auto-transpiling stays off, as in bin/run.js, and the
// plugins below are pointed at their sources instead.)
// (`tsx/esm` registers its loader when imported; tsx/esm/api's register() fails on Node 20.)
// @ts-expect-error tsx/esm is a loader: it has no types, only the side effect.
await import('tsx/esm')
settings.enableAutoTranspile = false

/** `./dist/x.js` of a cto package (the CLI, a provider plugin) → `./src/x.ts`; never a dist/ file. */
function sourceOf(root: string, target: string): string {
  const source = target.replace(/^\.\/dist\//, './src/').replace(/\.js$/, '.ts')
  if (source === target || !existsSync(join(root, source))) throw new Error(`run-cli-in-process: no source for ${target} in ${root}`)
  return source
}

/** A plugin of this repository (the CLI, plugins/*), not one from node_modules or a user's. */
function isOurs(plugin: Plugin): boolean {
  const real = realpathSync(plugin.root)
  return real === REPO || real.startsWith(join(REPO, 'plugins') + sep) || real.startsWith(join(REPO, 'packages') + sep)
}

/** Points a loaded plugin's hooks at its sources. */
function hooksFromSource(plugin: Plugin): void {
  for (const hooks of Object.values(plugin.hooks)) for (const hook of hooks) hook.target = sourceOf(plugin.root, hook.target)
}

let rootPlugin: Promise<Plugin> | undefined
let installed = false

/** cto itself as an oclif plugin: commands from src/commands (the built manifest ignored), hooks from src/hooks. Once per test file. */
function root(): Promise<Plugin> {
  rootPlugin ??= (async () => {
    const pjson = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {oclif: {commands: {target: string}}}
    pjson.oclif.commands.target = sourceOf(REPO, pjson.oclif.commands.target)
    const plugin = new Plugin({isRoot: true, root: REPO, pjson: pjson as never, ignoreManifest: true, errorOnManifestCreate: true})
    await plugin.load()
    hooksFromSource(plugin)
    return plugin
  })()
  return rootPlugin
}

/**
 * The oclif config a call runs with: the CLI from its sources, the other plugins found as
 * bin/run.js finds them (a user's, under this call's XDG_DATA_HOME, from their own folder), the
 * provider plugins of this repository pointed at their sources.
 */
export async function loadCtoConfig(): Promise<Config> {
  const plugin = await root()
  const config = new Config({root: REPO, plugins: new Map([[plugin.name, plugin]])})
  await config.load()
  await config.loadPluginsAndCommands({force: true})
  for (const p of config.getPluginsList()) if (p !== plugin && p.type === 'core' && isOurs(p as Plugin)) hooksFromSource(p as Plugin)
  return config
}

let queue: Promise<unknown> = Promise.resolve()

/** Runs `cto <args>` in this process: the exit code bin/run.js would end with, and what it printed. */
export function runInProcess(args: string[], opts: RunOptions & {env: NodeJS.ProcessEnv}): Promise<CliResult> {
  const result = queue.then(() => runOnce(args, opts))
  queue = result.catch(() => undefined)
  return result
}

/** A write that ends the process (process.exit) drops whatever is written after it, as the real exit would. */
class Capture {
  stdout = ''
  stderr = ''
  exitCode: number | undefined
  exited = false
  private traceHintShown = false
  /** Node's own format (lib/internal/process/warning.js): `(node:<pid>) [CODE] Name: message`, the --trace hint once. */
  warning = (warning: Error & {code?: string; detail?: string}): void => {
    if (warning.name === 'DeprecationWarning' && process.noDeprecation) return
    let msg = `(node:${process.pid}) ${warning.code ? `[${warning.code}] ` : ''}${String(warning)}`
    if (typeof warning.detail === 'string') msg += `\n${warning.detail}`
    if (!this.traceHintShown) {
      msg += `\n(Use \`node ${warning.name === 'DeprecationWarning' ? '--trace-deprecation' : '--trace-warnings'} ...\` to show where the warning was created)`
      this.traceHintShown = true
    }
    this.writer('stderr')(`${msg}\n`)
  }
  writer(stream: 'stdout' | 'stderr') {
    return (chunk: string | Uint8Array, encoding?: BufferEncoding | ((err?: Error | null) => void), cb?: (err?: Error | null) => void): boolean => {
      if (!this.exited) this[stream] += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString(typeof encoding === 'string' ? encoding : 'utf8')
      const done = typeof encoding === 'function' ? encoding : cb
      if (done) process.nextTick(done)
      return true
    }
  }
}

async function runOnce(args: string[], opts: RunOptions & {env: NodeJS.ProcessEnv}): Promise<CliResult> {
  if (!installed) {
    installJsonErrorRendering(Command)
    installed = true
  }
  const cap = new Capture()
  const saved = {
    env: {...process.env},
    cwd: process.cwd(),
    argv: process.argv,
    exitCode: process.exitCode,
    exit: process.exit,
    stdin: Object.getOwnPropertyDescriptor(process, 'stdin') as PropertyDescriptor,
    console: globalThis.console,
    stdoutWrite: process.stdout.write,
    stderrWrite: process.stderr.write,
    stdoutTTY: Object.getOwnPropertyDescriptor(process.stdout, 'isTTY'),
    stderrTTY: Object.getOwnPropertyDescriptor(process.stderr, 'isTTY'),
    warningListeners: process.listeners('warning'),
    actionWrites: (ux.action as unknown as {stdmockOrigs: unknown}).stdmockOrigs,
  }
  let handling = false
  try {
    setEnv({OCLIF_DISABLE_ENGINE_WARNING: '1', ...opts.env})
    if (opts.cwd) process.chdir(opts.cwd)
    process.argv = [process.execPath, join(REPO, 'bin', 'run.js'), ...args]
    process.exitCode = undefined
    const stdin = Readable.from(opts.input ? [Buffer.from(opts.input)] : [])
    Object.defineProperty(process, 'stdin', {value: stdin, configurable: true, enumerable: true, writable: true})
    process.stdout.write = cap.writer('stdout') as typeof process.stdout.write
    process.stderr.write = cap.writer('stderr') as typeof process.stderr.write
    // oclif's ux.action ("Building the autocomplete cache...") writes through the stream methods it kept at start-up.
    ;(ux.action as unknown as {stdmockOrigs: unknown}).stdmockOrigs = {stdout: process.stdout.write, stderr: process.stderr.write}
    // A pipe, as for the spawned binary: no spinner, no terminal-only output.
    Object.defineProperty(process.stdout, 'isTTY', {value: undefined, configurable: true, writable: true})
    Object.defineProperty(process.stderr, 'isTTY', {value: undefined, configurable: true, writable: true})
    // Node's warnings (process.emitWarning) go to this call's stderr, as Node prints them in a process of its own.
    process.removeAllListeners('warning')
    process.on('warning', cap.warning)
    globalThis.console = new Console({stdout: process.stdout, stderr: process.stderr, colorMode: false})
    process.exit = ((code?: number | string | null) => {
      if (!cap.exited) {
        cap.exitCode = code === undefined || code === null ? (process.exitCode as number | undefined) ?? 0 : Number(code)
        cap.exited = true
      }
      // Inside oclif's handle() the process would end here: nothing after it runs in a real process,
      // and handle() prints nothing more. Anywhere else, unwind the command as an exit does.
      if (!handling) throw new Errors.ExitError(cap.exitCode)
      return undefined as never
    }) as typeof process.exit

    const work = (async () => {
      try {
        await run(args, await loadCtoConfig())
      } catch (error) {
        handling = true
        await handle(error as Error)
      }
    })()
    let timer: NodeJS.Timeout | undefined
    const timeoutMs = opts.timeoutMs ?? 60_000
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`cto ${args.join(' ')} (in-process) did not finish in ${timeoutMs} ms.\nstdout: ${cap.stdout}\nstderr: ${cap.stderr}`)), timeoutMs)
    })
    try {
      await Promise.race([work, timedOut])
      // What the command left on the next tick (a warning oclif emits as the command ends) is still
      // printed by a real process before it exits (bin/run.js waits for its output first).
      await new Promise((resolve) => setImmediate(resolve))
    } finally {
      clearTimeout(timer)
    }
    const code = cap.exited ? (cap.exitCode as number) : Number(process.exitCode ?? 0)
    return {code, stdout: cap.stdout, stderr: cap.stderr}
  } finally {
    process.exit = saved.exit
    process.removeAllListeners('warning')
    for (const listener of saved.warningListeners) process.on('warning', listener)
    globalThis.console = saved.console
    process.stdout.write = saved.stdoutWrite
    process.stderr.write = saved.stderrWrite
    ;(ux.action as unknown as {stdmockOrigs: unknown}).stdmockOrigs = saved.actionWrites
    restoreOwn(process.stdout, 'isTTY', saved.stdoutTTY)
    restoreOwn(process.stderr, 'isTTY', saved.stderrTTY)
    Object.defineProperty(process, 'stdin', saved.stdin)
    process.exitCode = saved.exitCode
    process.argv = saved.argv
    process.chdir(saved.cwd)
    setEnv(saved.env)
  }
}

/** Makes process.env exactly `env`, in place (code that kept a reference to process.env sees it too). */
function setEnv(env: NodeJS.ProcessEnv): void {
  for (const key of Object.keys(process.env)) if (!(key in env)) delete process.env[key]
  for (const [key, value] of Object.entries(env)) if (value !== undefined) process.env[key] = value
}

function restoreOwn(target: object, key: string, descriptor: PropertyDescriptor | undefined): void {
  if (descriptor) Object.defineProperty(target, key, descriptor)
  else delete (target as Record<string, unknown>)[key]
}

/**
 * run-cli.ts's sandbox, its commands run in this process (runInProcess). Same shape: `run` gives
 * `{code, stdout, stderr}`, `json` adds `--json` and parses stdout.
 */
export async function makeInProcessSandbox(): Promise<Sandbox> {
  const box = await makeSandbox()
  const runHere: Sandbox['run'] = (args, opts = {}) => runInProcess(args, {...opts, cwd: opts.cwd ?? box.home, env: {...box.env, ...opts.env}})
  return {
    ...box,
    run: runHere,
    async json<T>(args: string[], opts?: {env?: NodeJS.ProcessEnv; cwd?: string}) {
      const r = await runHere([...args, '--json'], opts)
      try {
        return JSON.parse(r.stdout) as T
      } catch {
        throw new Error(`cto ${args.join(' ')} --json printed no JSON (exit ${r.code}).\nstdout: ${r.stdout}\nstderr: ${r.stderr}`)
      }
    },
  }
}
