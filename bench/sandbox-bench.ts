/**
 * Issue 10's numbers: Claude Code's PreToolUse hook (dist/tools-hook.js, run before every tool call of
 * a Claude session) against `node -e 0`, whole process, for a file tool and for Bash (Bash goes
 * through the command filter only when Claude Code's own sandbox is off); the full CLI's `cto tools
 * hook` for comparison; and what it costs to start a command inside the OS sandbox, in-process,
 * against the same command without it.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'

import {defaultToolPolicy} from '../src/core/tools/policy/policy-defaults.js'
import {encodeHookContext, HOOK_CONTEXT_ENV} from '../src/core/tools/policy/hook-context.js'
import {createToolRunner} from '../src/core/tools/worker/tool-runner.js'
import {sandboxAvailability} from '../src/core/tools/sandbox/os-sandbox.js'
import {median, timeCommands, type Timing} from './startup.js'

const ROOT = resolve(import.meta.dirname, '..')
const HOOK = join(ROOT, 'dist', 'tools-hook.js')
const BIN = join(ROOT, 'bin', 'run.js')

export interface SandboxBench {
  hook: Timing[]
  commands: Array<{what: string; median_ms: number}>
  firstCommandMs: number | null
  sandbox: string
}

export async function runSandboxBench(rounds = 15): Promise<SandboxBench> {
  const home = mkdtempSync(join(tmpdir(), 'cto-bench-sandbox-'))
  const ws = join(home, 'ws')
  const {mkdirSync} = await import('node:fs')
  mkdirSync(ws)
  try {
    const ctx = (filterBash: boolean) => encodeHookContext({v: 1, policy: defaultToolPolicy, workspace: ws, home, keyFiles: [], filterBash})
    const env = {...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config')}
    const read = JSON.stringify({hook_event_name: 'PreToolUse', cwd: ws, tool_name: 'Read', tool_input: {file_path: join(ws, 'src', 'a.ts')}})
    const bash = JSON.stringify({hook_event_name: 'PreToolUse', cwd: ws, tool_name: 'Bash', tool_input: {command: 'npm test -- --grep parser && git status'}})
    const hook = await timeCommands(
      [
        {name: 'node -e 0', argv: [process.execPath, '-e', '0'], env},
        {name: 'hook: Read (sandbox on, the default)', argv: [process.execPath, HOOK], env: {...env, [HOOK_CONTEXT_ENV]: ctx(false)}, input: read},
        {name: 'hook: Bash (sandbox on: left to it)', argv: [process.execPath, HOOK], env: {...env, [HOOK_CONTEXT_ENV]: ctx(false)}, input: bash},
        {name: 'hook: Bash (sandbox off: command filter)', argv: [process.execPath, HOOK], env: {...env, [HOOK_CONTEXT_ENV]: ctx(true)}, input: bash},
        {name: 'cto tools hook (whole CLI), Read', argv: [process.execPath, BIN, 'tools', 'hook', '--workspace', ws], env, input: read},
      ],
      rounds,
    )

    const availability = await sandboxAvailability()
    const commands: SandboxBench['commands'] = []
    let firstCommandMs: number | null = null
    const time = async (what: string, policy: object, n: number) => {
      const runner = createToolRunner({model: 'bench', workspace: ws, env: {PATH: process.env.PATH, HOME: home}, policy})
      const samples: number[] = []
      for (let i = 0; i < n + 1; i++) {
        const t0 = performance.now()
        const r = await runner.execute('run_command', JSON.stringify({command: 'true'}))
        if (!r.ok) throw new Error(`${what}: ${r.error}`)
        const ms = performance.now() - t0
        if (i === 0) {
          if (what.includes('sandbox') && !what.includes('without')) firstCommandMs = ms
          continue
        }
        samples.push(ms)
      }
      commands.push({what, median_ms: median(samples)})
    }
    await time('run_command "true" without the OS sandbox', {sandbox: 'off', policy: 'off'}, rounds * 2)
    if (availability.ok) {
      await time('run_command "true" inside the OS sandbox', {policy: 'off'}, rounds * 2)
      await time('run_command "true" inside the OS sandbox, behind the command filter', {}, rounds * 2)
    }
    return {hook, commands, firstCommandMs, sandbox: availability.ok ? availability.platform : `unavailable: ${availability.reason}`}
  } finally {
    rmSync(home, {recursive: true, force: true})
  }
}
