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

import {DEFAULT_SANDBOX_ALLOW_READ, defaultToolPolicy, HARD_MAX_TIMEOUT_SECONDS, normaliseSandboxInput, sandboxOn, type ToolPolicy} from './policy-defaults.js'

export {DEFAULT_SANDBOX_ALLOW_READ, defaultToolPolicy, HARD_MAX_TIMEOUT_SECONDS, sandboxOn, type ToolPolicy}

const seconds = z.number().int().positive().max(HARD_MAX_TIMEOUT_SECONDS)
const d: ToolPolicy = defaultToolPolicy

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
  allow_read: z.array(pathEntry).default(() => [...DEFAULT_SANDBOX_ALLOW_READ]),
  /** Folders commands may write besides the workspace and their private /tmp. */
  allow_write: z.array(pathEntry).default([]),
  /** Domains commands may reach (through the sandbox's proxy). Empty: no network. */
  network: z.array(domain).default([]),
  /** Environment variables passed into the sandbox besides the built-in allow-list (PATH, HOME, LANG, …). */
  env: z.array(envName).default([]),
})

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
  sandbox: sandboxSchema.default(() => structuredClone(d.sandbox)),
  /** Timeout of run_command when the model gives none. */
  default_timeout_seconds: seconds.default(d.default_timeout_seconds),
  /** The most a model may ask for; never more than 300. */
  max_timeout_seconds: seconds.default(d.max_timeout_seconds),
  /** stdout and stderr are each cut to this size, keeping head and tail. */
  max_output_bytes: z.number().int().min(1024).max(10 * 1024 * 1024).default(d.max_output_bytes),
  /** A command that prints more than this in total is killed (runaway output). */
  output_kill_bytes: z.number().int().min(1024).max(1024 * 1024 * 1024).default(d.output_kill_bytes),
  /** read_file returns at most this many bytes of a file, saying so. */
  max_read_bytes: z.number().int().min(1024).max(64 * 1024 * 1024).default(d.max_read_bytes),
  /** read_file returns at most this many lines when the model gives no limit. */
  max_read_lines: z.number().int().positive().max(100_000).default(d.max_read_lines),
  /** Extra paths never readable nor writable (`~/` allowed, `*` matches one path segment). */
  deny_read: z.array(z.string().min(1)).default([]),
  /** Extra paths never writable. */
  deny_write: z.array(z.string().min(1)).default([]),
})

// The schema's output is exactly the hand-written ToolPolicy (policy-defaults.ts), both ways.
type Parsed = z.infer<typeof toolPolicySchema>
const sameShape: [Parsed, ToolPolicy] extends [ToolPolicy, Parsed] ? true : never = true
void sameShape
export type SandboxSettings = ToolPolicy['sandbox']
/** What a config file may hold (every key optional). */
export type ToolPolicyInput = Omit<z.input<typeof toolPolicySchema>, 'sandbox'> & {
  sandbox?: 'on' | 'off' | 'none' | 'bubblewrap' | Partial<z.input<typeof sandboxObjectSchema>>
}

/** Fills the defaults of a (partial, already validated or not) `tools` section. Throws ZodError when invalid. */
export function resolveToolPolicy(input: ToolPolicyInput | undefined = undefined): ToolPolicy {
  return toolPolicySchema.parse(input ?? {}) as ToolPolicy
}
