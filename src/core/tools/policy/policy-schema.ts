/**
 * The `tools` section of the config: the tool worker's policy. Every key is optional and defaults
 * to the secure choice; unknown keys are an error (a misspelt `sandbox` must not silently mean none).
 *
 * Two layers guard what a model runs. The operating-system sandbox (`sandbox`, on by default) is the
 * boundary: the kernel decides what a command can read, write and reach. The command policy
 * (`policy`, on by default) is a fast, friendly first refusal of the obviously dangerous before
 * anything runs; it is a filter of shell text, so it is never relied on alone.
 */
import {z} from 'zod'

/** The hard ceiling on a command's run time, whatever the config or the model asks. */
export const HARD_MAX_TIMEOUT_SECONDS = 300

const seconds = z.number().int().positive().max(HARD_MAX_TIMEOUT_SECONDS)

/**
 * What commands may read from the home folder (which is otherwise invisible to them): toolchains
 * and package caches. Folders that don't exist are skipped. The never-readable paths (keys,
 * credentials, cto's own config and store) stay hidden even when a path here contains them.
 */
export const DEFAULT_SANDBOX_ALLOW_READ = [
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
]

const pathEntry = z.string().min(1)
const domain = z
  .string()
  .min(1)
  .regex(/^(\*\.)?[A-Za-z0-9.-]+(:\d+)?$|^\[[0-9A-Fa-f:.]+\](:\d+)?$/, 'a domain name such as registry.npmjs.org or *.github.com (optionally :port)')
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name')

const sandboxObjectSchema = z.strictObject({
  /** on: every run_command runs in the OS sandbox (and Claude Code's Bash in its own). off: no OS boundary. */
  mode: z.enum(['on', 'off']).default('on'),
  /** Home folders commands may read (the rest of the home folder is invisible). Replaces the default list. */
  allow_read: z.array(pathEntry).default(DEFAULT_SANDBOX_ALLOW_READ),
  /** Folders commands may write besides the workspace and their private /tmp. */
  allow_write: z.array(pathEntry).default([]),
  /** Domains commands may reach (through the sandbox's proxy). Empty: no network. */
  network: z.array(domain).default([]),
  /** Environment variables passed into the sandbox besides the built-in allow-list (PATH, HOME, LANG, …). */
  env: z.array(envName).default([]),
})

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

export const sandboxSchema = z.preprocess(normaliseSandboxInput, sandboxObjectSchema)

export const toolPolicySchema = z.strictObject({
  /**
   * Folder the tools may read and write in. null: the git repository the command runs in (its
   * top-level folder), else the current folder. `~` gives the whole home folder (explicitly only).
   * `--workspace DIR` overrides it for one run.
   */
  workspace: z.string().min(1).nullable().default(null),
  /** The command policy (a filter of shell text, before anything runs). "off" only for tests of the sandbox. */
  policy: z.enum(['on', 'off']).default('on'),
  /** The operating-system sandbox every command runs in. */
  sandbox: sandboxSchema.default({mode: 'on', allow_read: DEFAULT_SANDBOX_ALLOW_READ, allow_write: [], network: [], env: []}),
  /** Timeout of run_command when the model gives none. */
  default_timeout_seconds: seconds.default(120),
  /** The most a model may ask for; never more than 300. */
  max_timeout_seconds: seconds.default(HARD_MAX_TIMEOUT_SECONDS),
  /** stdout and stderr are each cut to this size, keeping head and tail. */
  max_output_bytes: z.number().int().min(1024).max(10 * 1024 * 1024).default(30_000),
  /** A command that prints more than this in total is killed (runaway output). */
  output_kill_bytes: z.number().int().min(1024).max(1024 * 1024 * 1024).default(16 * 1024 * 1024),
  /** read_file returns at most this many bytes of a file, saying so. */
  max_read_bytes: z.number().int().min(1024).max(64 * 1024 * 1024).default(256 * 1024),
  /** read_file returns at most this many lines when the model gives no limit. */
  max_read_lines: z.number().int().positive().max(100_000).default(2000),
  /** Extra paths never readable nor writable (`~/` allowed, `*` matches one path segment). */
  deny_read: z.array(z.string().min(1)).default([]),
  /** Extra paths never writable. */
  deny_write: z.array(z.string().min(1)).default([]),
})

/** The policy with every default filled in. */
export type ToolPolicy = z.infer<typeof toolPolicySchema>
export type SandboxSettings = ToolPolicy['sandbox']
/** What a config file may hold (every key optional). */
export type ToolPolicyInput = Omit<z.input<typeof toolPolicySchema>, 'sandbox'> & {
  sandbox?: 'on' | 'off' | 'none' | 'bubblewrap' | Partial<z.input<typeof sandboxObjectSchema>>
}

export const defaultToolPolicy: ToolPolicy = Object.freeze(toolPolicySchema.parse({})) as ToolPolicy

/** Fills the defaults of a (partial, already validated or not) `tools` section. Throws ZodError when invalid. */
export function resolveToolPolicy(input: ToolPolicyInput | undefined = undefined): ToolPolicy {
  return toolPolicySchema.parse(input ?? {})
}

/** True when commands run inside the operating-system sandbox. */
export function sandboxOn(policy: ToolPolicy): boolean {
  return policy.sandbox.mode === 'on'
}
