/**
 * The `claude-cli` engine: a Claude model as a full Claude Code session. Runs
 * `claude -p <prompt> --output-format stream-json --verbose --model <id> --permission-mode acceptEdits
 * --settings <PreToolUse hook>` with execa (imported lazily) in the workspace, in its own process
 * group (killed whole on timeout or cancel), and reads the result object: text, usage, the CLI's
 * cost, turns, the tool calls made and the ones denied.
 */
import {CtoError} from '../errors.js'
import {defaultToolPolicy, sandboxOn, type ToolPolicy} from '../tools/policy/policy-defaults.js'
import {encodeHookContext, HOOK_CONTEXT_ENV} from '../tools/policy/hook-context.js'
import {sandboxBoundary} from '../tools/sandbox/boundary.js'
import {claudeSandboxSettings, claudeSessionEnv, type ClaudeSandboxSettings} from '../tools/sandbox/claude-sandbox.js'
import {sandboxEnvAllows} from '../tools/sandbox/sandbox-env.js'
import {finishAttempt, startAttempt} from './attempt.js'
import {buildClaudeArgs, HOOK_DISABLING_ENV, type ClaudeOutputFormat, type ClaudePermissionMode} from './claude-args.js'
import {absorbLine, createLineReader, emptyTranscript, parseClaudeOutput, summarizeInput, type ClaudeResultMessage, type ClaudeTranscript} from './claude-output.js'
import {EngineFailureError, failureFromStatus} from './engine-failure.js'
import {DEFAULT_MAX_TURNS} from './openai-tools-engine.js'
import {redact} from './redact.js'
import {outputTail} from './output-tail.js'
import type {Engine, EngineFailure, EngineRequest, EngineResult, ToolCallRecord, Usage} from './types.js'

export interface ClaudeCliEngineOptions {
  /** The `claude` binary. Default: `CTO_CLAUDE_BIN`, else `claude` on PATH. */
  bin?: string
  /** Default `acceptEdits`. `bypassPermissions` is refused when running as root. */
  permissionMode?: ClaudePermissionMode
  /**
   * Shell command of the PreToolUse hook, e.g. `"/usr/bin/node" "/x/bin/run.js" tools hook`.
   * Required: pass `false` to run without the policy hook on purpose.
   */
  hookCommand?: string | false
  /** Tools the hook sees (Claude Code matcher syntax). Default `*`: every tool. */
  hookMatcher?: string
  outputFormat?: ClaudeOutputFormat
  /** Base environment of the child when the request has none. Default `process.env`. */
  env?: NodeJS.ProcessEnv
  /** More arguments for `claude`, after cto's own. */
  extraArgs?: string[]
  /** Time between SIGTERM and SIGKILL to the process group. Default 2000 ms. */
  killGraceMs?: number
  now?: () => number
  isRoot?: () => boolean
  /**
   * The tool policy (`tools` config, defaults filled). With its sandbox on (the default), Claude
   * Code's Bash runs in Claude Code's own sandbox with the same boundary as the tool worker, the
   * session gets an allow-listed environment, and the hook guards the file tools.
   */
  toolPolicy?: ToolPolicy
  /** `--workspace`: the folder the tools are confined to; else tools.workspace, else the git root of the request's folder. */
  toolsWorkspace?: string
  /** Files holding keys, never readable (provider_endpoints.<model>.config_path). */
  keyFiles?: string[]
}

const ZERO: Usage = {input_tokens: 0, output_tokens: 0}

export function createClaudeCliEngine(options: ClaudeCliEngineOptions = {}): Engine {
  const permissionMode = options.permissionMode ?? 'acceptEdits'
  const isRoot = options.isRoot ?? (() => process.getuid?.() === 0)
  if (permissionMode === 'bypassPermissions' && isRoot()) {
    throw new CtoError({
      code: 'CLAUDE_BYPASS_AS_ROOT',
      message: 'Refusing to run Claude Code with permission mode bypassPermissions as root: it could do anything on this machine.',
      actions: ['Use the default permission mode (acceptEdits), or run cto as an ordinary user.'],
    })
  }
  const now = options.now ?? Date.now
  const outputFormat = options.outputFormat ?? 'stream-json'

  return {
    kind: 'claude-cli',
    async run(request: EngineRequest): Promise<EngineResult> {
      const attempt = startAttempt(request, now)
      const transcript = emptyTranscript()
      const fail = (error: unknown) =>
        finishAttempt(request, attempt, {text: '', usage: ZERO, turns: 0, tool_calls: toolCalls(transcript, [request.model.apiKey]), error})
      if (options.hookCommand === undefined) {
        return fail(
          new EngineFailureError({
            code: 'no_policy_hook',
            message: 'Refusing to start Claude Code without the cto tools hook (it enforces the tool policy). This is a bug in the caller: pass hookCommand.',
            retryable: false,
          }),
        )
      }
      const baseEnv = request.env ?? options.env ?? process.env
      const bin = options.bin ?? baseEnv.CTO_CLAUDE_BIN ?? 'claude'
      const boundary = await sessionBoundary(request, baseEnv, options)
      if ('failure' in boundary) return fail(boundary.failure)
      const env: NodeJS.ProcessEnv = {...boundary.env, CTO_WORKSPACE: request.workspace, [HOOK_CONTEXT_ENV]: boundary.hookContext}
      if (options.hookCommand !== false) for (const name of HOOK_DISABLING_ENV) delete env[name]
      // The team store's URL carries its password: a Claude Code session (and the commands it runs) has no use for it.
      delete env.CTO_STORE_URL
      if (request.model.apiKey) env.ANTHROPIC_API_KEY = request.model.apiKey
      if (request.model.baseURL) env.ANTHROPIC_BASE_URL = request.model.baseURL
      const args = buildClaudeArgs(request, {
        permissionMode,
        outputFormat,
        maxTurns: request.maxTurns ?? DEFAULT_MAX_TURNS,
        hookCommand: options.hookCommand,
        hookMatcher: options.hookMatcher,
        sandbox: boundary.sandbox,
        extraArgs: options.extraArgs,
      })

      const {execa} = await import('execa')
      let stdout = ''
      let stderr = ''
      const lines = createLineReader((line) => absorbLine(transcript, line, request.onEvent))
      const child = execa(bin, args, {
        cwd: request.workspace,
        env,
        extendEnv: false,
        stdin: 'ignore',
        buffer: false,
        detached: true,
        reject: false,
        encoding: 'utf8',
      })
      child.stdout?.setEncoding('utf8')
      child.stderr?.setEncoding('utf8')
      child.stdout?.on('data', (chunk: string) => {
        stdout += chunk
        if (outputFormat === 'stream-json') lines.push(chunk)
      })
      child.stderr?.on('data', (chunk: string) => {
        if (stderr.length < 64_000) stderr += chunk
      })

      let killed = false
      const killGroup = () => {
        killed = true
        signalGroup(child.pid, 'SIGTERM')
        setTimeout(() => signalGroup(child.pid, 'SIGKILL'), options.killGraceMs ?? 2000).unref()
      }
      attempt.signal.addEventListener('abort', killGroup, {once: true})
      if (attempt.signal.aborted) killGroup()
      // When claude exits, what it left running in its group goes too: a leftover holding the
      // stdout pipe would otherwise keep the session "running" until the timeout.
      child.once('exit', () => {
        if (!killed) signalGroup(child.pid, 'SIGKILL')
      })
      const done = await child
      attempt.signal.removeEventListener('abort', killGroup)
      lines.end()

      if (killed) {
        const reason: unknown = attempt.signal.reason
        return fail(reason instanceof EngineFailureError ? reason : new EngineFailureError({code: 'aborted', message: 'The Claude Code session was cancelled.', retryable: false}))
      }
      if (done.failed && (done as {code?: string}).code === 'ENOENT') {
        return fail(
          new EngineFailureError({
            code: 'claude_not_found',
            message: `Claude Code CLI not found ("${bin}"). Install it with "npm install -g @anthropic-ai/claude-code", or set CTO_CLAUDE_BIN to its path.`,
            retryable: false,
          }),
        )
      }
      if (done.exitCode === undefined && !done.signal) {
        return fail(new EngineFailureError({code: 'spawn_failed', message: `Could not start ${bin}: ${done.shortMessage ?? done.message}`, retryable: false}))
      }

      const parsed = outputFormat === 'json' || !transcript.result ? mergeTranscripts(transcript, parseClaudeOutput(stdout)) : transcript
      const result = parsed.result
      if (!result) {
        const tail = lastLines(stderr || stdout, 5)
        const failure: EngineFailure =
          done.exitCode === 0
            ? {code: 'claude_bad_output', message: `Claude Code exited without a result cto can read${tail ? `: ${tail}` : '.'}`, retryable: false}
            : {
                code: 'claude_exit',
                message: `Claude Code ${done.signal ? `was killed by ${done.signal}` : `exited with code ${done.exitCode}`}${tail ? `: ${tail}` : ''}`,
                retryable: Boolean(done.signal),
              }
        return fail(new EngineFailureError(failure))
      }
      return finishAttempt(request, attempt, {
        text: result.result ?? '',
        usage: usageOf(result),
        turns: result.num_turns ?? 0,
        tool_calls: toolCalls(parsed, [request.model.apiKey]),
        cost_usd: typeof result.total_cost_usd === 'number' ? result.total_cost_usd : undefined,
        permission_denials: (result.permission_denials ?? []).map((denial) => {
          const reason = denial.tool_use_id ? parsed.toolResults.get(denial.tool_use_id)?.content : undefined
          return reason ? {tool_name: denial.tool_name, reason: redact(reason, [request.model.apiKey])} : {tool_name: denial.tool_name}
        }),
        error: resultFailure(result, request.model.name),
      })
    },
  }
}

/**
 * The session's boundary: Claude Code's sandbox settings and environment, and the context its hook
 * decides with (hook-context.ts). A sandbox that can't start fails the attempt with the fix named,
 * before Claude Code starts (its own failIfUnavailable is the backstop).
 */
async function sessionBoundary(
  request: EngineRequest,
  baseEnv: NodeJS.ProcessEnv,
  options: ClaudeCliEngineOptions,
): Promise<{env: NodeJS.ProcessEnv; sandbox?: ClaudeSandboxSettings; hookContext: string} | {failure: EngineFailureError}> {
  const policy = options.toolPolicy ?? defaultToolPolicy
  const ctx = {env: baseEnv, policy, workspace: options.toolsWorkspace ?? null, cwd: request.workspace}
  const b = sandboxBoundary(ctx)
  const sandboxed = sandboxOn(policy)
  const hookContext = encodeHookContext({v: 1, policy, workspace: b.workspace, home: b.home, keyFiles: options.keyFiles ?? [], filterBash: !sandboxed})
  if (!sandboxed) return {env: {...baseEnv}, hookContext}
  const {sandboxAvailability} = await import('../tools/sandbox/os-sandbox.js')
  const available = await sandboxAvailability()
  if (!available.ok) {
    return {
      failure: new EngineFailureError({
        code: 'sandbox_unavailable',
        message: `Claude Code's Bash runs only inside the OS sandbox, and ${available.reason}. ${available.fix.join(' ')}`,
        retryable: false,
      }),
    }
  }
  return {env: claudeSessionEnv(baseEnv, sandboxEnvAllows(b.envNames)), sandbox: claudeSandboxSettings(b), hookContext}
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return
  try {
    process.kill(-pid, signal)
  } catch {
    // Already gone.
  }
}

function mergeTranscripts(streamed: ClaudeTranscript, parsed: ClaudeTranscript): ClaudeTranscript {
  return {
    result: parsed.result ?? streamed.result,
    toolUses: streamed.toolUses.length > 0 ? streamed.toolUses : parsed.toolUses,
    toolResults: streamed.toolResults.size > 0 ? streamed.toolResults : parsed.toolResults,
  }
}

function usageOf(result: ClaudeResultMessage): Usage {
  const u = result.usage ?? {}
  return {
    input_tokens: (u.input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0) + (u.cache_read_input_tokens ?? 0),
    output_tokens: u.output_tokens ?? 0,
  }
}

function toolCalls(transcript: ClaudeTranscript, secrets: Array<string | undefined>): ToolCallRecord[] {
  return transcript.toolUses.map((use) => {
    const outcome = transcript.toolResults.get(use.id)
    const summary = redact(summarizeInput(use.name, use.input), secrets)
    const ok = outcome ? !outcome.isError : true
    const record: ToolCallRecord = {id: use.id, name: use.name, ok, summary: ok ? summary : `${summary} → ${redact(outcome!.content.split('\n', 1)[0] ?? '', secrets)}`}
    const command = use.name === 'Bash' ? (use.input as {command?: unknown} | undefined)?.command : undefined
    if (typeof command === 'string' && outcome) {
      // Claude Code reports a failing command as an error result starting "Exit code N".
      const code = /^(?:Error: )?Exit code (\d+)/.exec(outcome.content)
      record.run = {command: redact(command, secrets), exit_code: code ? Number(code[1]) : outcome.isError ? null : 0, output_tail: redact(outputTail(outcome.content), secrets)}
    }
    return record
  })
}

/** The failure a result object reports, if any (`is_error`, or a subtype other than success). */
function resultFailure(result: ClaudeResultMessage, model: string): EngineFailureError | undefined {
  if (!result.is_error && result.subtype === 'success') return undefined
  const detail = (result.result || result.errors?.join('; ') || result.subtype).trim()
  if (result.subtype === 'error_max_turns') {
    return new EngineFailureError({code: 'turn_limit', message: `${model} hit the turn limit of the Claude Code session (raise it with --max-turns).`, retryable: false})
  }
  if (result.subtype === 'error_max_budget_usd') {
    return new EngineFailureError({code: 'budget_exceeded', message: `${model}: the Claude Code session hit its budget.`, retryable: false})
  }
  if (typeof result.api_error_status === 'number') {
    return new EngineFailureError(failureFromStatus(result.api_error_status, detail.replace(/^API Error:\s*\d{3}\s*/, ''), model))
  }
  if (/not logged in|\/login|invalid api key/i.test(detail)) {
    return new EngineFailureError({
      code: 'claude_not_logged_in',
      message: `${model} (Claude Code): ${detail}. Set a key with "cto keys set ${model}" or ANTHROPIC_API_KEY, or log in with "claude /login".`,
      retryable: false,
    })
  }
  const transient = /connection|timed? ?out|overloaded|ECONNRESET|socket/i.test(detail)
  return new EngineFailureError({code: 'claude_error', message: `${model} (Claude Code): ${detail}`, retryable: transient})
}

function lastLines(text: string, count: number): string {
  return text.trim().split('\n').slice(-count).join(' | ').slice(0, 600)
}
