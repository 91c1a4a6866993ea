/**
 * The tool policy's defaults as plain values, without zod: the Claude Code hook (dist/tools-hook.js)
 * runs before every tool call and must not load a schema library. policy-schema.ts builds its
 * defaults from these, and a test checks that parsing `{}` gives exactly `defaultToolPolicy`.
 */

/** The `tools` section with every default filled in (policy-schema.ts checks its schema against this type). */
export interface ToolPolicy {
  workspace: string | null
  policy: 'on' | 'off'
  sandbox: {mode: 'on' | 'off'; allow_read: string[]; allow_write: string[]; network: string[]; env: string[]}
  default_timeout_seconds: number
  max_timeout_seconds: number
  max_output_bytes: number
  output_kill_bytes: number
  max_read_bytes: number
  max_read_lines: number
  deny_read: string[]
  deny_write: string[]
}

/** The hard ceiling on a command's run time, whatever the config or the model asks. */
export const HARD_MAX_TIMEOUT_SECONDS = 300

/**
 * What commands may read from the home folder (which is otherwise invisible to them): toolchains
 * and package caches. Folders that don't exist are skipped. The never-readable paths (keys,
 * credentials, cto's own config and store) stay hidden even when a path here contains them.
 */
export const DEFAULT_SANDBOX_ALLOW_READ: readonly string[] = Object.freeze([
  '~/.nvm',
  '~/.volta',
  '~/.fnm',
  '~/.npm',
  '~/.cache/node',
  '~/.cache/yarn',
  '~/.yarn',
  '~/.local/share/pnpm',
  '~/.bun',
  '~/.deno',
  '~/.cargo',
  '~/.rustup',
  '~/.pyenv',
  '~/.cache/pip',
  '~/.local/bin',
  '~/.local/lib',
  '~/.rbenv',
  '~/.gem',
  '~/go',
  '~/.cache/go-build',
  '~/.m2',
  '~/.gradle',
  '~/.sdkman',
  '~/.asdf',
])

export const defaultToolPolicy: ToolPolicy = Object.freeze({
  workspace: null,
  policy: 'on',
  sandbox: {mode: 'on', allow_read: [...DEFAULT_SANDBOX_ALLOW_READ], allow_write: [], network: [], env: []},
  default_timeout_seconds: 120,
  max_timeout_seconds: HARD_MAX_TIMEOUT_SECONDS,
  max_output_bytes: 30_000,
  output_kill_bytes: 16 * 1024 * 1024,
  max_read_bytes: 256 * 1024,
  max_read_lines: 2000,
  deny_read: [],
  deny_write: [],
}) as ToolPolicy

/** True when commands run inside the operating-system sandbox. */
export function sandboxOn(policy: ToolPolicy): boolean {
  return policy.sandbox.mode === 'on'
}

/**
 * `"sandbox": "off"` is the opt-out; `"none"` and `"bubblewrap"` are the values of the earlier
 * schema (off, and on). An object configures the sandbox (on unless `mode` says off).
 */
export function normaliseSandboxInput(value: unknown): unknown {
  if (value === undefined) return {}
  if (value === 'off' || value === 'none') return {mode: 'off'}
  if (value === 'on' || value === 'bubblewrap') return {mode: 'on'}
  return value
}
