/** run_command: the command policy, then the executor, with the policy's limits and the model's identity. */
import {stat} from 'node:fs/promises'

import {findBwrap} from '../sandbox/bubblewrap.js'
import {checkCommand} from '../policy/command-policy.js'
import {executeCommand, newRunId, type ExecuteCommandResult} from './command-executor.js'
import {checkPath} from '../policy/path-policy.js'
import {contextCwd, contextEnv, contextPolicy, contextRoot, type PolicyContext} from '../policy/policy-context.js'
import {HARD_MAX_TIMEOUT_SECONDS} from '../policy/policy-schema.js'
import {commandEnv} from './process-env.js'
import {neverReadableEntries} from '../policy/protected-paths.js'
import {fail, ok} from './tool-result.js'
import type {ToolResult} from '../types.js'

export interface RunCommandArgs {
  command: string
  cwd?: string
  timeout_seconds?: number
}

export interface RunCommandDeps {
  model: string
  signal?: AbortSignal
  now?: () => number
  killGraceMs?: number
}

export function effectiveTimeoutSeconds(requested: number | undefined, ctx: PolicyContext): number {
  const policy = contextPolicy(ctx)
  const max = Math.min(policy.max_timeout_seconds, HARD_MAX_TIMEOUT_SECONDS)
  return Math.min(requested ?? policy.default_timeout_seconds, max)
}

function render(r: ExecuteCommandResult, timeoutSeconds: number): string {
  const lines: string[] = []
  if (r.timedOut) lines.push(`Timed out after ${timeoutSeconds} s: the command and everything it started were killed.`)
  if (r.outputLimitHit) lines.push('Killed: the command printed more output than allowed (runaway output).')
  if (r.aborted) lines.push('Cancelled: the command and everything it started were killed.')
  lines.push(`exit code: ${r.exitCode ?? `none (killed by ${r.signal ?? 'a signal'})`}`)
  lines.push(`duration: ${(r.durationMs / 1000).toFixed(1)} s`)
  lines.push('--- stdout ---', r.stdout.length > 0 ? r.stdout.replace(/\n$/, '') : '(empty)')
  lines.push('--- stderr ---', r.stderr.length > 0 ? r.stderr.replace(/\n$/, '') : '(empty)')
  return lines.join('\n')
}

export async function runCommandTool(args: RunCommandArgs, ctx: PolicyContext, deps: RunCommandDeps): Promise<ToolResult> {
  const policy = contextPolicy(ctx)
  let cwd = contextCwd(ctx)
  if (args.cwd !== undefined) {
    const d = checkPath('read', args.cwd, ctx)
    if (!d.allowed) return fail(d.reason, d.rule)
    cwd = d.path
  }
  try {
    if (!(await stat(cwd)).isDirectory()) return fail(`cwd ${cwd} is not a folder.`)
  } catch {
    return fail(`cwd ${cwd} does not exist.`)
  }
  const decision = checkCommand(args.command, {...ctx, cwd})
  if (!decision.allowed) return fail(decision.reason, decision.rule)

  let bwrap: {path: string; options: {workspace: string; cwd: string; hide: string[]}} | undefined
  if (policy.sandbox === 'bubblewrap') {
    const path = findBwrap(contextEnv(ctx))
    if (!path) {
      return fail('The policy asks for the bubblewrap sandbox but bwrap is not installed; install the "bubblewrap" package or set tools.sandbox to "none".', 'sandbox-unavailable')
    }
    const hide = neverReadableEntries(ctx)
      .map((e) => e.pattern)
      .filter((p) => !p.includes('*'))
    bwrap = {path, options: {workspace: contextRoot(ctx), cwd, hide}}
  }

  const timeoutSeconds = effectiveTimeoutSeconds(args.timeout_seconds, ctx)
  const runId = newRunId()
  const result = await executeCommand({
    command: args.command,
    cwd,
    timeoutMs: Math.round(timeoutSeconds * 1000),
    env: commandEnv(contextEnv(ctx), deps.model, runId),
    runId,
    maxOutputBytes: policy.max_output_bytes,
    outputKillBytes: policy.output_kill_bytes,
    bwrap,
    signal: deps.signal,
    now: deps.now,
    killGraceMs: deps.killGraceMs,
  })
  return ok(render(result, timeoutSeconds), {
    exit_code: result.exitCode,
    signal: result.signal,
    stdout: result.stdout,
    stderr: result.stderr,
    stdout_cut_bytes: result.stdoutCut,
    stderr_cut_bytes: result.stderrCut,
    timed_out: result.timedOut,
    output_limit_hit: result.outputLimitHit,
    aborted: result.aborted,
    duration_ms: result.durationMs,
    timeout_seconds: timeoutSeconds,
    sandbox: bwrap ? 'bubblewrap' : 'none',
  })
}
