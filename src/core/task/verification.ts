/**
 * Verification: the project's own test command, run in an attempt's copy after the worker
 * changed files, so the reviewer judges the change by its tests and not by the worker's word.
 *
 * The command: `review.verify` in the config, else found by looking from the workspace up to the
 * project root for, in order: package.json's `test` script (not npm's placeholder; `pnpm`/`yarn`
 * when their lock file is there), a Makefile `test` target, pytest (pytest.ini, or
 * `[tool.pytest…]` in pyproject.toml), Cargo.toml, go.mod.
 *
 * It runs through the tool worker's `run_command` (the same policy, limits and — with issue 10 —
 * the same OS sandbox as a model's commands), never spawned here, with a time limit.
 */
import {readFile} from 'node:fs/promises'
import {existsSync} from 'node:fs'
import {dirname, join, relative, sep} from 'node:path'

import type {ToolRunner} from '../tools/types.js'

export interface TestCommand {
  command: string
  /** Folder to run it in. */
  cwd: string
  /** Where it came from: `review.verify`, `package.json`, `Makefile`, `pytest.ini`, `pyproject.toml`, `Cargo.toml`, `go.mod`. */
  source: string
}

export type VerificationOutcome =
  | {ran: false; reason: string; command?: string}
  | {
      ran: true
      command: string
      cwd: string
      source: string
      exit_code: number | null
      passed: boolean
      timed_out: boolean
      duration_ms: number
      /** stdout then stderr, as the tool worker returned them (capped head and tail). */
      output: string
    }

const NPM_PLACEHOLDER = /no test specified/

async function readText(p: string): Promise<string | undefined> {
  return readFile(p, 'utf8').catch(() => undefined)
}

async function detectIn(dir: string): Promise<TestCommand | undefined> {
  const pkg = await readText(join(dir, 'package.json'))
  if (pkg !== undefined) {
    try {
      const test = (JSON.parse(pkg) as {scripts?: Record<string, unknown>}).scripts?.test
      if (typeof test === 'string' && test.trim() && !NPM_PLACEHOLDER.test(test)) {
        const runner = existsSync(join(dir, 'pnpm-lock.yaml')) ? 'pnpm' : existsSync(join(dir, 'yarn.lock')) ? 'yarn' : 'npm'
        return {command: `${runner} test`, cwd: dir, source: 'package.json'}
      }
    } catch {
      // An unparsable package.json: look for other signs.
    }
  }
  for (const name of ['Makefile', 'makefile', 'GNUmakefile']) {
    const make = await readText(join(dir, name))
    if (make !== undefined && /^test\s*:/m.test(make)) return {command: 'make test', cwd: dir, source: name}
  }
  if (existsSync(join(dir, 'pytest.ini'))) return {command: 'pytest', cwd: dir, source: 'pytest.ini'}
  const pyproject = await readText(join(dir, 'pyproject.toml'))
  if (pyproject !== undefined && /^\[tool\.pytest/m.test(pyproject)) return {command: 'pytest', cwd: dir, source: 'pyproject.toml'}
  if (existsSync(join(dir, 'Cargo.toml'))) return {command: 'cargo test', cwd: dir, source: 'Cargo.toml'}
  if (existsSync(join(dir, 'go.mod'))) return {command: 'go test ./...', cwd: dir, source: 'go.mod'}
  return undefined
}

/**
 * The test command for a workspace: `configured` when given (false: none), else the first sign
 * found from `from` up to `root` (both inside the same tree).
 */
export async function detectTestCommand(opts: {root: string; from: string; configured?: string | false | null}): Promise<TestCommand | undefined> {
  if (opts.configured === false) return undefined
  if (typeof opts.configured === 'string' && opts.configured.trim()) return {command: opts.configured, cwd: opts.root, source: 'review.verify'}
  let dir = opts.from
  for (;;) {
    const found = await detectIn(dir)
    if (found) return found
    const rel = relative(opts.root, dir)
    if (rel === '' || rel.startsWith('..') || rel.startsWith(sep)) return undefined
    dir = dirname(dir)
  }
}

export interface RunVerificationOptions {
  test: TestCommand
  /** A tool runner whose workspace is the attempt's copy. */
  runner: ToolRunner
  timeoutSeconds: number
  signal?: AbortSignal
}

export async function runVerification(o: RunVerificationOptions): Promise<VerificationOutcome> {
  const result = await o.runner.execute('run_command', JSON.stringify({command: o.test.command, cwd: o.test.cwd, timeout_seconds: o.timeoutSeconds}), {signal: o.signal})
  if (!result.ok) return {ran: false, command: o.test.command, reason: `the tool worker refused to run it: ${result.error}`}
  const d = (result.data ?? {}) as {exit_code?: number | null; stdout?: string; stderr?: string; timed_out?: boolean; duration_ms?: number}
  const exit = typeof d.exit_code === 'number' ? d.exit_code : null
  const timedOut = d.timed_out === true
  const output = [d.stdout ?? '', d.stderr ? `--- stderr ---\n${d.stderr}` : ''].filter(Boolean).join('\n')
  return {
    ran: true,
    command: o.test.command,
    cwd: o.test.cwd,
    source: o.test.source,
    exit_code: exit,
    passed: exit === 0 && !timedOut,
    timed_out: timedOut,
    duration_ms: d.duration_ms ?? 0,
    output,
  }
}
