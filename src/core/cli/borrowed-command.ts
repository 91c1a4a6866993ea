/**
 * Runs an oclif command cto takes from a plugin (plugin-plugins' link, update, reset, uninstall)
 * under cto's `--json`. Their run() parses with their own class, which knows no --json ("Nonexistent
 * flag: --json"), so it sees the arguments without it; oclif still prints the returned document,
 * because the command's full argv has it. What they print meanwhile (their log lines, npm's
 * output) goes to stderr, so stdout is the document alone.
 */
import {stdoutToStderr} from './stdout-to-stderr.js'

export async function runBorrowed(command: {argv: string[]}, json: boolean, run: () => Promise<unknown>): Promise<void> {
  const argv = command.argv
  command.argv = argv.filter((a) => a !== '--json')
  const restore = json ? stdoutToStderr() : () => {}
  try {
    await run()
  } finally {
    restore()
    command.argv = argv
  }
}
