/**
 * run_command: the command policy (a fast first refusal), then the command inside the OS sandbox
 * (the boundary), with the policy's limits, an allow-listed environment and the model's identity.
 * Without the sandbox (`tools.sandbox: "off"`) it runs as the user with a scrubbed environment.
 */
import {stat} from 'node:fs/promises'

import {sandboxBoundary} from '../sandbox/boundary.js'
import {restoreConfigFiles, snapshotConfigFiles} from '../sandbox/config-guard.js'
import {restoreGit, snapshotGit} from '../sandbox/git-guard.js'
import {sandboxAvailability, sandboxedCommand, type SandboxedCommand} from '../sandbox/os-sandbox.js'
import {sandboxEnv} from '../sandbox/sandbox-env.js'
import {checkCommand} from '../policy/command-policy.js'
import {executeCommand, newRunId, type ExecuteCommandResult} from './command-executor.js'
import {checkPath} from '../policy/path-policy.js'
import {contextCwd, contextEnv, contextPolicy, type PolicyContext} from '../policy/policy-context.js'
import {HARD_MAX_TIMEOUT_SECONDS, sandboxOn} from '../policy/policy-defaults.js'
import {commandEnv} from './process-env.js'
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
  if (policy.policy === 'on') {
    const decision = checkCommand(args.command, {...ctx, cwd})
    if (!decision.allowed) return fail(decision.reason, decision.rule)
  }

  const sandboxed = sandboxOn(policy)
  const runId = newRunId()
  let wrapped: SandboxedCommand | undefined
  let env: NodeJS.ProcessEnv
  const boundary = sandboxBoundary({...ctx, cwd})
  if (sandboxed) {
    const available = await sandboxAvailability()
    if (!available.ok) {
      return fail(`Refused: commands run only inside the OS sandbox, and ${available.reason}. ${available.fix.join(' ')}`, 'sandbox-unavailable')
    }
    env = sandboxEnv(contextEnv(ctx), boundary.envNames, deps.model, runId)
    try {
      wrapped = await sandboxedCommand(args.command, boundary, deps.signal)
    } catch (error) {
      return fail(`Refused: the OS sandbox could not be set up for this command (${(error as Error).message}).`, 'sandbox-unavailable')
    }
  } else {
    env = commandEnv(contextEnv(ctx), deps.model, runId)
  }

  const timeoutSeconds = effectiveTimeoutSeconds(args.timeout_seconds, ctx)
  const guard = await snapshotConfigFiles(cwd, boundary.workspace)
  const gitGuard = await snapshotGit(boundary.workspace, contextEnv(ctx))
  let result: ExecuteCommandResult
  try {
    result = await executeCommand({
      command: args.command,
      cwd,
      timeoutMs: Math.round(timeoutSeconds * 1000),
      env,
      runId,
      maxOutputBytes: policy.max_output_bytes,
      outputKillBytes: policy.output_kill_bytes,
      argv: wrapped?.argv,
      signal: deps.signal,
      now: deps.now,
      killGraceMs: deps.killGraceMs,
    })
  } finally {
    wrapped?.release()
  }
  const restored = await restoreConfigFiles(guard, cwd, boundary.workspace)
  const restoredInGit = await restoreGit(gitGuard, boundary.workspace, contextEnv(ctx))
  let text = render(result, timeoutSeconds)
  if (restoredInGit.length > 0) {
    text = `The command put configuration files in git, which the tools never change; cto put them back: ${restoredInGit.join('; ')}.\n${text}`
  }
  if (restored.length > 0) {
    text = `The command changed configuration files, which the tools never change; cto put them back: ${restored.join(', ')}.\n${text}`
  }
  return ok(text, {
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
    sandbox: sandboxed ? 'os' : 'off',
    restored_config_files: restored,
    restored_in_git: restoredInGit,
  })
}
