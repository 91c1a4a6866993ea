/**
 * The `tools` section of the config: the tool worker's policy. Every key is optional and defaults
 * to the secure choice; unknown keys are an error (a misspelt `sandbox` must not silently mean none).
 */
import {z} from 'zod'

/** The hard ceiling on a command's run time, whatever the config or the model asks. */
export const HARD_MAX_TIMEOUT_SECONDS = 300

const seconds = z.number().int().positive().max(HARD_MAX_TIMEOUT_SECONDS)

export const toolPolicySchema = z.strictObject({
  /**
   * Folder the tools may read and write in. null: the home directory (looked up at call time),
   * as in the original system. `--workspace DIR` overrides it for one run.
   */
  workspace: z.string().min(1).nullable().default(null),
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
  /**
   * none: commands run as the user, filtered by the command policy only (a filter, not a sandbox).
   * bubblewrap: commands run in bwrap: system read-only, only the workspace writable, no network.
   */
  sandbox: z.enum(['none', 'bubblewrap']).default('none'),
  /** Extra paths never readable nor writable (`~/` allowed, `*` matches one path segment). */
  deny_read: z.array(z.string().min(1)).default([]),
  /** Extra paths never writable. */
  deny_write: z.array(z.string().min(1)).default([]),
})

/** The policy with every default filled in. */
export type ToolPolicy = z.infer<typeof toolPolicySchema>
/** What a config file may hold (every key optional). */
export type ToolPolicyInput = z.input<typeof toolPolicySchema>

export const defaultToolPolicy: ToolPolicy = Object.freeze(toolPolicySchema.parse({})) as ToolPolicy

/** Fills the defaults of a (partial, already validated or not) `tools` section. Throws ZodError when invalid. */
export function resolveToolPolicy(input: ToolPolicyInput | undefined = undefined): ToolPolicy {
  return toolPolicySchema.parse(input ?? {})
}
