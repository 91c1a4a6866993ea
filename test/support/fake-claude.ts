/**
 * Writes a fake `claude` executable (a Node script) for the faults the real CLI is hard to provoke:
 * garbage output, crashes, non-zero exits, hanging with a grandchild. Every invocation's argv, cwd
 * and ANTHROPIC_* / CTO_* environment is appended to `invocations.jsonl` next to it.
 *
 *   const fake = await writeFakeClaude(dir, {stdout: 'not json', exitCode: 0})
 *   engine = createClaudeCliEngine({bin: fake.bin, hookCommand: false})
 */
import {chmod, readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

export interface FakeClaudeBehaviour {
  /** Printed to stdout verbatim. */
  stdout?: string
  stderr?: string
  exitCode?: number
  /** Wait before printing and exiting. */
  sleepMs?: number
  /** Start a grandchild that sleeps for a minute; its pid goes to `grandchild.pid`. */
  spawnGrandchild?: boolean
  /** The grandchild inherits stdout (holds the pipe open after claude exits). */
  grandchildHoldsStdout?: boolean
  /** Kill itself with this signal after printing. */
  crashSignal?: NodeJS.Signals
}

export interface FakeClaude {
  /** Path of the executable (named `claude`, so `dir` can go first on PATH). */
  bin: string
  dir: string
  grandchildPidFile: string
  invocations(): Promise<Array<{argv: string[]; cwd: string; env: Record<string, string>}>>
}

export async function writeFakeClaude(dir: string, behaviour: FakeClaudeBehaviour): Promise<FakeClaude> {
  const bin = join(dir, 'claude')
  const log = join(dir, 'invocations.jsonl')
  const grandchildPidFile = join(dir, 'grandchild.pid')
  const script = `#!${process.execPath}
const fs = require('node:fs')
const {spawn} = require('node:child_process')
const b = ${JSON.stringify(behaviour)}
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => /^(ANTHROPIC_|CTO_|HOME$)/.test(k)))
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify({argv: process.argv.slice(2), cwd: process.cwd(), env}) + '\\n')
if (b.spawnGrandchild) {
  const g = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], {stdio: b.grandchildHoldsStdout ? ['ignore', 'inherit', 'ignore'] : 'ignore'})
  fs.writeFileSync(${JSON.stringify(grandchildPidFile)}, String(g.pid))
  g.unref()
}
setTimeout(() => {
  if (b.stdout) process.stdout.write(b.stdout)
  if (b.stderr) process.stderr.write(b.stderr)
  if (b.crashSignal) process.kill(process.pid, b.crashSignal)
  else process.exitCode = b.exitCode ?? 0
}, b.sleepMs ?? 0)
`
  await writeFile(bin, script)
  await chmod(bin, 0o755)
  return {
    bin,
    dir,
    grandchildPidFile,
    async invocations() {
      const text = await readFile(log, 'utf8').catch(() => '')
      return text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as {argv: string[]; cwd: string; env: Record<string, string>})
    },
  }
}

/** A result object like the one Claude Code 2.1 prints with --output-format json. */
export function claudeResultJson(overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    type: 'result',
    subtype: 'success',
    is_error: false,
    duration_ms: 1234,
    num_turns: 2,
    result: 'Done.',
    session_id: '00000000-0000-0000-0000-000000000000',
    total_cost_usd: 0.0123,
    usage: {input_tokens: 100, cache_creation_input_tokens: 20, cache_read_input_tokens: 30, output_tokens: 40},
    permission_denials: [],
    ...overrides,
  })
}
