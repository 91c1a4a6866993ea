/**
 * Runs one shell command: bash in its own process group (detached), stdin closed, output capped,
 * a timeout after which the whole group is killed — grandchildren included — and, on Linux, every
 * process still carrying this run's marker variable (one that called setsid and left the group).
 * Background processes still running when the command ends are killed too: a tool call leaves
 * nothing behind.
 */
import {spawn} from 'node:child_process'
import {randomUUID} from 'node:crypto'
import {readdirSync, readFileSync} from 'node:fs'

import {OutputCap} from './output-cap.js'
import {RUN_MARKER} from './process-env.js'

export interface ExecuteCommandOptions {
  command: string
  cwd: string
  timeoutMs: number
  /** The full environment of the child; must carry RUN_MARKER=runId for the escape sweep. */
  env: NodeJS.ProcessEnv
  runId: string
  maxOutputBytes: number
  /** Total output after which the command is killed as runaway. */
  outputKillBytes: number
  /**
   * The argv to spawn instead of `/bin/bash -c command`: the OS sandbox's wrapper around the same
   * command (src/core/tools/sandbox/os-sandbox.ts).
   */
  argv?: string[]
  signal?: AbortSignal
  /** Grace between SIGTERM and SIGKILL. */
  killGraceMs?: number
  now?: () => number
}

export interface ExecuteCommandResult {
  exitCode: number | null
  signal: string | null
  stdout: string
  stderr: string
  stdoutBytes: number
  stderrBytes: number
  stdoutCut: number
  stderrCut: number
  timedOut: boolean
  outputLimitHit: boolean
  aborted: boolean
  durationMs: number
}

export function newRunId(): string {
  return randomUUID()
}

function signalGroup(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig)
  } catch {
    // group already gone
  }
}

/** Kills every process whose environment carries `RUN_MARKER=runId` (Linux /proc only). */
export function killMarked(runId: string, sig: NodeJS.Signals = 'SIGKILL'): number {
  const needle = Buffer.from(`${RUN_MARKER}=${runId}\0`)
  let killed = 0
  let entries: string[]
  try {
    entries = readdirSync('/proc')
  } catch {
    return 0
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue
    const pid = Number(e)
    if (pid === process.pid) continue
    try {
      const environ = readFileSync(`/proc/${e}/environ`)
      if (environ.includes(needle)) {
        process.kill(pid, sig)
        killed++
      }
    } catch {
      // gone, or not ours
    }
  }
  return killed
}

export function executeCommand(opts: ExecuteCommandOptions): Promise<ExecuteCommandResult> {
  const now = opts.now ?? Date.now
  const started = now()
  const argv = opts.argv ?? ['/bin/bash', '--noprofile', '--norc', '-c', opts.command]
  const [file, args] = [argv[0]!, argv.slice(1)]
  const child = spawn(file, args, {cwd: opts.cwd, env: opts.env, detached: true, stdio: ['ignore', 'pipe', 'pipe']})
  const stdout = new OutputCap(opts.maxOutputBytes)
  const stderr = new OutputCap(opts.maxOutputBytes)
  let timedOut = false
  let outputLimitHit = false
  let aborted = false
  let exitCode: number | null = null
  let exitSignal: string | null = null
  const grace = opts.killGraceMs ?? 2000
  const timers: NodeJS.Timeout[] = []

  const killAll = (first: NodeJS.Signals) => {
    const pid = child.pid
    if (pid === undefined) return
    signalGroup(pid, first)
    killMarked(opts.runId, first)
    if (first !== 'SIGKILL') {
      const t = setTimeout(() => {
        signalGroup(pid, 'SIGKILL')
        killMarked(opts.runId, 'SIGKILL')
      }, grace)
      t.unref()
      timers.push(t)
    }
  }

  return new Promise((resolve) => {
    let settled = false
    const finish = () => {
      if (settled) return
      settled = true
      for (const t of timers) clearTimeout(t)
      opts.signal?.removeEventListener('abort', onAbort)
      resolve({
        exitCode,
        signal: exitSignal,
        stdout: stdout.toString(),
        stderr: stderr.toString(),
        stdoutBytes: stdout.total,
        stderrBytes: stderr.total,
        stdoutCut: stdout.cut,
        stderrCut: stderr.cut,
        timedOut,
        outputLimitHit,
        aborted,
        durationMs: now() - started,
      })
    }
    const onAbort = () => {
      aborted = true
      killAll('SIGKILL')
    }
    const onData = (cap: OutputCap) => (chunk: Buffer) => {
      cap.push(chunk)
      if (!outputLimitHit && stdout.total + stderr.total > opts.outputKillBytes) {
        outputLimitHit = true
        killAll('SIGKILL')
      }
    }
    child.stdout!.on('data', onData(stdout))
    child.stderr!.on('data', onData(stderr))
    const timer = setTimeout(() => {
      timedOut = true
      killAll('SIGTERM')
    }, opts.timeoutMs)
    timers.push(timer)
    if (opts.signal?.aborted) onAbort()
    else opts.signal?.addEventListener('abort', onAbort, {once: true})

    child.on('error', (error) => {
      stderr.push(Buffer.from(`cto: could not start the command: ${error.message}\n`))
      finish()
    })
    child.on('exit', (code, sig) => {
      exitCode = code
      exitSignal = sig
      // Leftovers (background jobs, daemons) die with the command; their pipes then close.
      killAll('SIGKILL')
      const t = setTimeout(() => {
        child.stdout?.destroy()
        child.stderr?.destroy()
        finish()
      }, 2000)
      t.unref()
      timers.push(t)
    })
    child.on('close', finish)
  })
}
