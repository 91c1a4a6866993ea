/**
 * The one base command. `run()` returns a typed result, which oclif prints with `--json`; human
 * output only when `!this.jsonEnabled()`. Every error, oclif's parse errors included, goes through
 * error-document.ts: one friendly line plus what to do, or one small JSON document under --json,
 * with the same exit code either way; unexpected errors keep their stack under --verbose or DEBUG.
 */
import {Command, Flags, type Interfaces} from '@oclif/core'
import {describeError, isExit, renderErrorText, type ErrorContext} from './error-document.js'
import {loadContext, type CtoContext} from '../context.js'
import type {ConfigFile} from '../config/schema.js'
import {unknownKeyWarnings} from './unknown-key-warning.js'

export type CtoFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof CtoCommand)['baseFlags'] & T['flags']>

export abstract class CtoCommand extends Command {
  static override enableJsonFlag = true
  static override baseFlags = {
    verbose: Flags.boolean({description: 'Print internals, and stack traces on unexpected errors.', helpGroup: 'GLOBAL'}),
  }

  protected verbose = false
  /** Lines already said by this run (a command may load the context twice: `config set`). */
  private said = new Set<string>()

  /**
   * The user's setup. A key the config files hold but cto does not know (a typo) is said once per
   * run on stderr, even under --json: stdout stays one JSON document, and the setting is not in effect.
   */
  protected async loadCtx(flags?: ConfigFile, opts: {skipInvalidUserConfig?: boolean} = {}): Promise<CtoContext> {
    const ctx = await loadContext({oclif: this.config, flags, ...opts})
    for (const line of unknownKeyWarnings(ctx.layers)) {
      if (this.said.has(line)) continue
      this.said.add(line)
      process.stderr.write(`${line}\n`)
    }
    return ctx
  }

  /**
   * Before a model acts: the config's warnings (an untrusted project config's ignored fields, …)
   * and, on every run, that commands run without the OS sandbox when the config turned it off.
   */
  protected noteBeforeWork(ctx: CtoContext): void {
    for (const w of ctx.warnings) this.note(`Warning: ${w}`)
    const sandbox = (ctx.config.tools as {sandbox?: unknown}).sandbox
    const mode = typeof sandbox === 'string' ? sandbox : (sandbox as {mode?: string} | undefined)?.mode
    if (mode === 'off' || mode === 'none') {
      const from = ctx.sources['tools.sandbox.mode'] ?? ctx.sources['tools.sandbox'] ?? 'config'
      // On stderr even under --json: scripts read stdout, and this must never go unseen.
      process.stderr.write(`Warning: the OS sandbox is off (tools.sandbox in ${from}): commands a model runs have all your rights; only the command filter stands in the way. Remove the setting to turn it back on.\n`)
    }
  }

  /** A line on stderr for people; silent under --json so stdout stays one JSON document. */
  protected note(message: string): void {
    if (!this.jsonEnabled()) process.stderr.write(`${message}\n`)
  }

  /** Flags and command as the error renderer names them (`cto perf --help`, "did you mean --model?"). */
  protected errorContext(): ErrorContext {
    const flags = {...this.ctor.flags, ...this.ctor.baseFlags}
    return {bin: this.config.bin, command: this.id?.replaceAll(':', ' '), flags: Object.keys(flags), flagDefinitions: flags}
  }

  protected override async catch(err: Error & {exitCode?: number}): Promise<unknown> {
    // this.exit(n) throws an ExitError: let oclif end the process with that code, printing nothing.
    if (isExit(err)) throw err
    const described = describeError(err, this.errorContext())
    if (this.jsonEnabled()) {
      this.logJson(described.document)
    } else {
      process.stderr.write(renderErrorText(described))
      if (this.verbose || process.env.DEBUG) process.stderr.write(`${err.stack}\n`)
    }
    return this.exit(described.exitCode)
  }

  /** The OS sandbox's network proxies, if a command started them, must not keep the process alive. */
  protected override async finally(err: Error | undefined): Promise<unknown> {
    if ((globalThis as Record<symbol, unknown>)[Symbol.for('cto.sandbox.proxies')]) {
      const {shutDownSandbox} = await import('../tools/sandbox/os-sandbox.js')
      await shutDownSandbox()
    }
    return super.finally(err)
  }

  protected override async init(): Promise<void> {
    await super.init()
    this.verbose = this.argv.includes('--verbose')
    // Every command checks its command line, even one that reads no flags of its own: an unknown
    // flag is a usage error (64), not something to ignore. Commands parse again for typed values.
    await this.parse(this.ctor as typeof CtoCommand)
  }
}
