/**
 * The exit codes of every cto command, in one table: the same with and without `--json`.
 * 64 is sysexits' EX_USAGE and 130 the shell's code for a process ended by Ctrl-C (128 + SIGINT);
 * 2 is kept for "blocked", which a script must tell apart from a broken command line.
 * The README's exit-code table is checked against this table (test/cli/readme-tables.test.ts).
 */
export const EXIT = {
  ok: 0,
  error: 1,
  blocked: 2,
  conflict: 3,
  usage: 64,
  interrupted: 130,
} as const

export type ExitCode = (typeof EXIT)[keyof typeof EXIT]

export interface ExitCodeInfo {
  code: ExitCode
  name: keyof typeof EXIT
  meaning: string
}

export const EXIT_CODES: readonly ExitCodeInfo[] = [
  {code: EXIT.ok, name: 'ok', meaning: 'done (for `cto task`: completed; for a dry run: planned)'},
  {code: EXIT.error, name: 'error', meaning: 'a runtime error: no usable model, a provider or file that failed, an invalid config (`cto config validate`)'},
  {code: EXIT.blocked, name: 'blocked', meaning: 'blocked: the task gave up after its attempts failed or were rejected (the result says why); for `cto tools hook`, the tool call is blocked (Claude Code\'s hook protocol)'},
  {code: EXIT.conflict, name: 'conflict', meaning: '`cto task`: the approved change no longer applies to your files, which changed meanwhile: nothing written, the patch kept in the task\'s folder'},
  {code: EXIT.usage, name: 'usage', meaning: 'a usage error: unknown command, flag or model, a missing or malformed argument, a file argument that is not there'},
  {code: EXIT.interrupted, name: 'interrupted', meaning: 'stopped by Ctrl-C (SIGINT) or SIGTERM; what was done so far is recorded'},
]
