/**
 * Whole-process start-up: `cto --version`, `cto models list`, `cto config validate` against
 * `node -e 0`, interleaved in the same run (so machine noise hits every command alike); medians and
 * ratios. Also the case of most users: a user config (what `cto models enable` writes) and a project
 * config, for `cto models list`, `cto config show` and `cto task --dry-run`.
 * Target: ≤ 3 × `node -e 0` for each of those.
 */
import {spawn} from 'node:child_process'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {delimiter, join, resolve} from 'node:path'

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

/** Commands whose ratio to `node -e 0` must stay ≤ 3 (the README's start-up targets). */
export const STARTUP_TARGETS = ['cto models list', 'cto models list (configs)', 'cto config show (configs)', 'cto task --dry-run (configs)']

function sandboxEnv(home: string): NodeJS.ProcessEnv {
  const scrubbed = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/(_API_KEY|_TOKEN)$|^(CTO_|ORCHESTRATOR_CONFIG|MODEL_PROVIDER|XDG_)/.test(k)))
  // Claude Code installed (the repo's own copy), as for a user who can run Claude models: a dry run without keys routes to one.
  const path = `${resolve(import.meta.dirname, '..', 'node_modules', '.bin')}${delimiter}${process.env.PATH ?? ''}`
  return {...scrubbed, PATH: path, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_DATA_HOME: join(home, '.local', 'share'), XDG_CACHE_HOME: join(home, '.cache')}
}

export async function runStartupBench(rounds = 15): Promise<Timing[]> {
  const empty = mkdtempSync(join(tmpdir(), 'cto-bench-'))
  // A user config as `cto models enable gemini` writes it, and a project config found from the working directory.
  const configured = mkdtempSync(join(tmpdir(), 'cto-bench-config-'))
  const project = join(configured, 'code', 'app')
  mkdirSync(join(configured, '.config', 'cto'), {recursive: true})
  mkdirSync(project, {recursive: true})
  writeFileSync(join(configured, '.config', 'cto', 'config.json'), `${JSON.stringify({worker_models: {external: {gemini: {enabled: true}}}}, null, 2)}\n`)
  writeFileSync(join(project, 'cto.config.json'), `${JSON.stringify({cost_optimization: {token_budget_per_day: {claude: 50_000}}, engines: {max_turns: 40}}, null, 2)}\n`)
  const env = sandboxEnv(empty)
  const withConfig = {env: sandboxEnv(configured), cwd: project}
  try {
    return await timeCommands(
      [
        {name: 'node -e 0', argv: [process.execPath, '-e', '0'], env},
        {name: 'cto --version', argv: [process.execPath, BIN, '--version'], env},
        {name: 'cto models list', argv: [process.execPath, BIN, 'models', 'list'], env},
        {name: 'cto config validate', argv: [process.execPath, BIN, 'config', 'validate'], env},
        {name: 'cto models list (configs)', argv: [process.execPath, BIN, 'models', 'list'], ...withConfig},
        {name: 'cto config show (configs)', argv: [process.execPath, BIN, 'config', 'show'], ...withConfig},
        {name: 'cto task --dry-run (configs)', argv: [process.execPath, BIN, 'task', '--dry-run', 'fix the failing test in src/parser.ts'], ...withConfig},
      ],
      rounds,
    )
  } finally {
    rmSync(empty, {recursive: true, force: true})
    rmSync(configured, {recursive: true, force: true})
  }
}
