/**
 * Whole-process start-up: `cto --version`, `cto models list`, `cto config validate` against
 * `node -e 0`, interleaved in the same run (so machine noise hits every command alike); medians and
 * ratios. Target: `cto models list` ≤ 3 × `node -e 0`.
 */
import {spawn} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'

export interface Timing {
  name: string
  median_ms: number
  ratio: number
}

const BIN = resolve(import.meta.dirname, '..', 'bin', 'run.js')

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}

/** Runs one command to its end; rejects on a non-zero exit. Async, so a server in this process can answer it. */
export interface TimedCommand {
  name: string
  argv: string[]
  env?: NodeJS.ProcessEnv
  cwd?: string
  /** Written to its standard input (else stdin is closed). */
  input?: string
  /** Exit codes that count as success (default [0]). */
  okCodes?: number[]
}

function runOnce(c: TimedCommand): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const t0 = process.hrtime.bigint()
    const child = spawn(c.argv[0], c.argv.slice(1), {env: c.env ?? process.env, cwd: c.cwd, stdio: [c.input === undefined ? 'ignore' : 'pipe', 'ignore', 'pipe']})
    if (c.input !== undefined) child.stdin!.end(c.input)
    let stderr = ''
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6
      if ((c.okCodes ?? [0]).includes(code ?? -1)) resolvePromise(ms)
      else reject(new Error(`${c.name} failed (exit ${code}): ${stderr}`))
    })
  })
}

/** Runs each command `rounds` times, interleaved; the first entry is the baseline. */
export async function timeCommands(commands: TimedCommand[], rounds: number): Promise<Timing[]> {
  const samples = commands.map(() => [] as number[])
  for (let r = 0; r < rounds + 1; r++) {
    for (const [i, c] of commands.entries()) {
      const ms = await runOnce(c)
      if (r > 0) samples[i].push(ms) // round 0 warms the file cache
    }
  }
  const base = median(samples[0])
  return commands.map((c, i) => ({name: c.name, median_ms: median(samples[i]), ratio: median(samples[i]) / base}))
}

export async function runStartupBench(rounds = 15): Promise<Timing[]> {
  const home = mkdtempSync(join(tmpdir(), 'cto-bench-'))
  const env = {...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_DATA_HOME: join(home, '.local', 'share')}
  try {
    return await timeCommands(
      [
        {name: 'node -e 0', argv: [process.execPath, '-e', '0'], env},
        {name: 'cto --version', argv: [process.execPath, BIN, '--version'], env},
        {name: 'cto models list', argv: [process.execPath, BIN, 'models', 'list'], env},
        {name: 'cto config validate', argv: [process.execPath, BIN, 'config', 'validate'], env},
      ],
      rounds,
    )
  } finally {
    rmSync(home, {recursive: true, force: true})
  }
}
