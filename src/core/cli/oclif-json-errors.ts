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
    // help and autocomplete have no --json flag: asked for JSON anyway, they answer in JSON.
    if ((err as {code?: unknown})?.code === 'EEXIT' || !(this.jsonEnabled() || wantsJson(this.argv))) return original.call(this, err)
    // Loaded only when there is an error to render: bin/run.js imports this file on every start.
    const {describeError} = await import('./error-document.js')
    const ctor = this.constructor as CommandClass
    const described = describeError(err, {bin: this.config.bin, command: this.id?.replaceAll(':', ' '), flags: Object.keys({...ctor.flags, ...ctor.baseFlags})})
    this.logJson(described.document)
    process.exitCode = described.exitCode
  }
}
