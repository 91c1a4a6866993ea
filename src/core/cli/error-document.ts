/**
 * Every error a command ends with, as people and scripts see it. Under `--json` it is one small
 * document, `{"error": {"code", "message", "actions"}}`, never oclif's internals (an unknown flag
 * used to print 127 KB of them); without `--json` it is `Error: message` plus one `→ action` a line.
 * The exit code is the same either way (src/core/exit-codes.ts): oclif's parse errors are usage
 * errors (64), a CtoError brings its own, anything unexpected is 1.
 */
import {CtoError} from '../errors.js'
import {EXIT} from '../exit-codes.js'
import {suggest} from './did-you-mean.js'

export interface ErrorDocument {
  error: {code: string; message: string; actions: string[]}
}

export interface DescribedError {
  document: ErrorDocument
  exitCode: number
  /** Not raised on purpose: worth a stack trace under --verbose. */
  unexpected: boolean
}

export interface ErrorContext {
  /** `cto`. */
  bin?: string
  /** The command as typed, `perf export`. */
  command?: string
  /** The command's flag names, for "did you mean --model?". */
  flags?: string[]
  /** The command's flags, to name a missing required one as help does (`--model (-m): The model to run …`). */
  flagDefinitions?: Record<string, {char?: string; description?: string}>
}

/** oclif's ExitError (`this.exit(n)`): not an error to render, only a way out. */
export function isExit(err: unknown): boolean {
  return (err as {code?: unknown})?.code === 'EEXIT'
}

type OclifError = Error & {oclif?: {exit?: number}; parse?: unknown; flags?: string[]}

/** oclif's parser errors, by class name (they are not exported in a way we can test with instanceof across copies). */
const PARSE_ERROR_CODES: Record<string, string> = {
  RequiredArgsError: 'MISSING_ARGUMENT',
  UnexpectedArgsError: 'UNEXPECTED_ARGUMENT',
  NonExistentFlagsError: 'UNKNOWN_FLAG',
  FlagInvalidOptionError: 'INVALID_FLAG_VALUE',
  ArgInvalidOptionError: 'INVALID_ARGUMENT',
  FailedFlagValidationError: 'INVALID_FLAGS',
  ViolatedFlagConstraintError: 'INVALID_FLAGS',
  InvalidArgsSpecError: 'INVALID_ARGUMENT',
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001B\[[0-9;]*m/g

/** Without colours, oclif's "See more help" tail, and its "Parsing --flag \n\t" head turned into "--flag: ". */
function plain(text: string): string {
  return text
    .replace(ANSI, '')
    .replace(/\nSee more help with --help\s*$/, '')
    .replace(/^Parsing (--\S+)\s*\n\t/, '$1: ')
    .trim()
}

function helpAction(ctx: ErrorContext): string {
  const bin = ctx.bin ?? 'cto'
  return ctx.command ? `See "${bin} ${ctx.command} --help" for its arguments, flags and examples.` : `See "${bin} --help".`
}

/**
 * oclif's "The following error occurred:\n  Missing required flag model" as one line a person reads:
 * `Missing required flag --model (-m): The model to run (see "cto models list").`
 */
function flagValidationMessage(message: string, ctx: ErrorContext): string {
  const reasons = message
    .replace(/^The following errors? occurred:\s*/, '')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
  return reasons
    .map((reason) => {
      const name = /^Missing required flag (\S+)$/.exec(reason)?.[1]
      if (!name) return reason
      const def = ctx.flagDefinitions?.[name]
      const char = def?.char ? ` (-${def.char})` : ''
      return `Missing required flag --${name}${char}${def?.description ? `: ${def.description}` : '.'}`
    })
    .join('; ')
}

/** An oclif parse error (unknown flag, missing argument, value not among the options, a failed flag parser). */
export function isParseError(err: unknown): boolean {
  const e = err as OclifError
  if (!e || typeof e !== 'object') return false
  return 'parse' in e || PARSE_ERROR_CODES[e.constructor?.name] !== undefined || /^Parsing --\S+ /.test(e.message ?? '') || MISSING_PATH_ARG.test(e.message ?? '')
}

/**
 * An argument declared `Args.file({exists: true})` (`cto bench replay FILE`) naming no file: oclif
 * throws a plain Error, not wrapped as a flag's is ("Parsing --workspace …"), so it looked like a
 * bug (INTERNAL, exit 1, "report it") instead of the usage error a mistyped path is.
 */
const MISSING_PATH_ARG = /^No (file|directory) found at /

export function describeError(err: unknown, ctx: ErrorContext = {}): DescribedError {
  if (CtoError.isInstance(err)) {
    // A flag's own parser (--since) may throw a CtoError; oclif then wraps its message in "Parsing --since …".
    const fromFlag = /^Parsing --/.test(err.message)
    return {
      // Its message names the flag already.
      document: {error: {code: err.code, message: plain(err.message.replace(/^Parsing --\S+\s*\n\t/, '')), actions: [...err.actions]}},
      exitCode: fromFlag ? EXIT.usage : err.exitCode,
      unexpected: false,
    }
  }
  const e = (err instanceof Error ? err : new Error(String(err))) as OclifError
  if (isParseError(e)) {
    let message = plain(e.message)
    if (e.constructor?.name === 'NonExistentFlagsError' && Array.isArray(e.flags)) {
      // A command without --json (help, autocomplete) asked for JSON: that is honoured, not an unknown flag.
      const unknown = e.flags.length > 1 ? e.flags.filter((f) => f !== '--json') : e.flags
      message = `Nonexistent flag${unknown.length === 1 ? '' : 's'}: ${unknown.join(', ')}`
      const hints = ctx.flags ? unknown.map((f) => suggest(f.replace(/^-+/, '').split('=')[0], ctx.flags as string[])).filter(Boolean) : []
      if (hints.length > 0) message += `. Did you mean ${hints.map((h) => `--${h}`).join(', ')}?`
    }
    if (e.constructor?.name === 'FailedFlagValidationError') message = flagValidationMessage(message, ctx)
    return {
      document: {error: {code: PARSE_ERROR_CODES[e.constructor?.name] ?? 'USAGE', message, actions: [helpAction(ctx)]}},
      exitCode: EXIT.usage,
      unexpected: false,
    }
  }
  if (e.oclif && typeof e.oclif.exit === 'number') {
    // `this.error(message, {exit})` in a command (ours or a plugin's): a deliberate error.
    const exitCode = e.oclif.exit
    return {document: {error: {code: exitCode === EXIT.usage ? 'USAGE' : 'ERROR', message: plain(e.message), actions: exitCode === EXIT.usage ? [helpAction(ctx)] : []}}, exitCode, unexpected: false}
  }
  return {
    document: {error: {code: 'INTERNAL', message: plain(e.message) || String(e), actions: ['Run again with --verbose for the stack trace, and report it if it looks like a bug.']}},
    exitCode: EXIT.error,
    unexpected: true,
  }
}

/** The human form, for stderr. */
export function renderErrorText(d: DescribedError): string {
  const lines = [`Error: ${d.document.error.message}`]
  for (const action of d.document.error.actions) lines.push(`  → ${action}`)
  return `${lines.join('\n')}\n`
}
