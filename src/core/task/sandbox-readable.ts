/**
 * An attempt's copy borrows the user's git objects (alternates) from outside the copy. The OS
 * sandbox of issue 10 shows commands only the system, the workspace and an allow-list, so those
 * folders must be on its `sandbox.allow_read` list or git inside the copy fails ("unable to
 * normalize alternate object path"). Written against the policy's shape at run time: with today's
 * bubblewrap setting (a string; the whole system is readable) the policy is returned unchanged.
 */
import {resolveToolPolicy, type ToolPolicyInput} from '../tools/policy/policy-schema.js'

export function readableInSandbox(tools: Record<string, unknown> | ToolPolicyInput | undefined, paths: string[]): Record<string, unknown> {
  const section = (tools ?? {}) as Record<string, unknown>
  if (paths.length === 0) return section
  const resolved = resolveToolPolicy(section as ToolPolicyInput) as unknown as Record<string, unknown>
  const sandbox = resolved.sandbox as {allow_read?: unknown} | string | undefined
  if (typeof sandbox !== 'object' || sandbox === null || !Array.isArray(sandbox.allow_read)) return section
  return {...resolved, sandbox: {...sandbox, allow_read: [...(sandbox.allow_read as string[]), ...paths]}}
}
