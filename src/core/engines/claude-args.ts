/**
 * The command line for a Claude Code session: `claude -p --output-format stream-json --verbose
 * --model <id> --permission-mode acceptEdits --max-turns N --settings <json> -- <prompt>`, where the
 * settings install a PreToolUse hook that runs `cto tools hook` for every tool call, so a Claude
 * session cannot do what the tool worker forbids (the hook exits 2 to block; Claude Code hands its
 * stderr to the model as the tool's error), and turn Claude Code's own sandbox on for Bash with the
 * tool worker's boundary.
 */
import type {ClaudeSandboxSettings} from '../tools/sandbox/claude-sandbox.js'
import type {EngineRequest} from './types.js'

export const CLAUDE_PERMISSION_MODES = ['acceptEdits', 'default', 'dontAsk', 'plan', 'auto', 'bypassPermissions'] as const
export type ClaudePermissionMode = (typeof CLAUDE_PERMISSION_MODES)[number]

/** `stream-json` (default) also reports every tool call and its result; `json` is one result object. */
export type ClaudeOutputFormat = 'json' | 'stream-json'

export interface ClaudeHookSettings {
  /** Wins over a user's `disableAllHooks: true` (flag settings rank above user and project settings). */
  disableAllHooks: false
  hooks: {
    PreToolUse: Array<{matcher: string; hooks: Array<{type: 'command'; command: string; timeout: number}>}>
  }
  /** Claude Code's own sandbox for Bash, with cto's rules (src/core/tools/sandbox/claude-sandbox.ts). */
  sandbox?: ClaudeSandboxSettings
}

/**
 * Claude Code 2.1.197 lets the tool run when a hook times out (fail open; `onFailure: "block"` came
 * later). So the hook gets a timeout far beyond its real run time (well under a second): a hung
 * hook stalls the session until the attempt's own timeout kills the whole process group instead.
 */
export const HOOK_TIMEOUT_SECONDS = 600

/**
 * Settings JSON for `--settings`: one PreToolUse hook running `command` for tools matching `matcher`.
 * Claude Code only blocks on exit code 2; any other failure (a crash, exit 1, a missing program:
 * 127) lets the tool run. `|| exit 2` makes every failure of the hook block (fail closed); its stderr
 * still reaches the model.
 */
export function claudeHookSettings(command: string, matcher = '*', timeoutSeconds = HOOK_TIMEOUT_SECONDS, sandbox?: ClaudeSandboxSettings): ClaudeHookSettings {
  const settings: ClaudeHookSettings = {disableAllHooks: false, hooks: {PreToolUse: [{matcher, hooks: [{type: 'command', command: `${command} || exit 2`, timeout: timeoutSeconds}]}]}}
  if (sandbox) settings.sandbox = sandbox
  return settings
}

export interface ClaudeArgsOptions {
  permissionMode: ClaudePermissionMode
  outputFormat: ClaudeOutputFormat
  maxTurns: number
  /** The hook command, or false to run without one (tests, or a user who opted out). */
  hookCommand: string | false
  hookMatcher?: string
  /** Claude Code's sandbox for Bash; undefined when cto's sandbox is off. */
  sandbox?: ClaudeSandboxSettings
  extraArgs?: string[]
}

/** Environment variables that make Claude Code skip hooks (minimal and safe modes): never passed on. */
export const HOOK_DISABLING_ENV = ['CLAUDE_CODE_SIMPLE', 'CLAUDE_CODE_SAFE_MODE'] as const

const JSON_ONLY = 'Reply with a single JSON object and nothing else.'

export function buildClaudeArgs(request: EngineRequest, options: ClaudeArgsOptions): string[] {
  const args = ['-p', '--output-format', options.outputFormat]
  // stream-json in print mode needs --verbose.
  if (options.outputFormat === 'stream-json') args.push('--verbose')
  args.push('--model', request.model.modelId, '--permission-mode', options.permissionMode, '--max-turns', String(options.maxTurns))
  // A worker's session is one-shot: keep it out of the user's resumable history.
  args.push('--no-session-persistence')
  const system = [request.system, request.responseFormat === 'json' ? JSON_ONLY : undefined].filter(Boolean).join('\n\n')
  if (system) args.push('--append-system-prompt', system)
  if (request.allowTools === false) args.push('--tools', '')
  if (options.hookCommand !== false) args.push('--settings', JSON.stringify(claudeHookSettings(options.hookCommand, options.hookMatcher, HOOK_TIMEOUT_SECONDS, options.sandbox)))
  // Only the user's own settings, and no MCP servers: a repository's .claude/settings*.json (hooks,
  // permissions) and .mcp.json (servers) would run code outside any sandbox, and -p skips the
  // folder-trust prompt that would otherwise ask first.
  args.push('--setting-sources', 'user', '--strict-mcp-config')
  args.push(...(options.extraArgs ?? []))
  // After `--`, so a prompt that starts with a dash is not taken for an option.
  args.push('--', request.prompt)
  return args
}
