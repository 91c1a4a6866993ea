/**
 * The commands cto gets from oclif plugins (`plugins`, `plugins install`, `autocomplete`, `help`)
 * don't extend CtoCommand. Under `--json` oclif's own `Command.catch` prints `toErrorJson(err)`: the
 * whole error object, oclif internals and all, with exit 1 for a usage error. bin/run.js calls this
 * once before oclif runs, so those commands answer with the same small document and exit code as
 * cto's own (error-document.ts). Without `--json` oclif's behaviour stays: the exit codes come from
 * `oclif.exitCodes` in package.json. The prerun hook (src/hooks/prerun.ts) installs it on the base
 * class of the command about to run; installing it twice on one class changes nothing.
 */
import type {Command} from '@oclif/core'
import {CtoError} from '../errors.js'

type CommandClass = typeof Command

/** `--json` among the arguments (before a `--`). */
export function wantsJson(argv: readonly string[]): boolean {
  const json = argv.indexOf('--json')
  const end = argv.indexOf('--')
  return json !== -1 && (end === -1 || json < end)
}

const installed = new WeakSet<object>()

export function installJsonErrorRendering(CommandBase: CommandClass): void {
  if (installed.has(CommandBase)) return
  installed.add(CommandBase)
  const proto = CommandBase.prototype as Command & {catch(err: Error): Promise<unknown>}
  const original = proto.catch
  proto.catch = async function (this: Command, err: Error) {
    if ((err as {code?: unknown})?.code === 'EEXIT') return original.call(this, err)
    // help and autocomplete have no --json flag: asked for JSON anyway, they answer in JSON.
    const json = this.jsonEnabled() || wantsJson(this.argv)
    // cto's own errors from cto's versions of these commands (`plugins inspect`): as every cto command shows them, same exit code with and without --json.
    if (!json && !CtoError.isInstance(err)) return original.call(this, err)
    // Loaded only when there is an error to render: the prerun hook loads this file before every command.
    const {describeError, renderErrorText} = await import('./error-document.js')
    const ctor = this.constructor as CommandClass
    const flags = {...ctor.flags, ...ctor.baseFlags}
    const described = describeError(err, {bin: this.config.bin, command: this.id?.replaceAll(':', ' '), flags: Object.keys(flags), flagDefinitions: flags})
    if (json) this.logJson(described.document)
    else process.stderr.write(renderErrorText(described))
    process.exitCode = described.exitCode
  }
}
