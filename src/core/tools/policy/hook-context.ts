/**
 * What Claude Code's PreToolUse hook needs to decide, fixed when cto starts the session and passed
 * in the session's environment (CTO_HOOK_CONTEXT, which hooks inherit): the resolved tool policy,
 * the workspace, the home folder and the key files the config names. The hook then reads no config
 * file at all — it starts faster, and nothing the session writes (a project config) can widen its
 * rules. A Bash command can't change its parent's environment, and cto starts Claude Code with
 * `--setting-sources user`, so no project settings file can set it either. (On the command line it
 * would work as well, but Claude Code repeats a failing hook's command line to the model.)
 */
import type {ToolPolicy} from './policy-defaults.js'

/** The variable the session's hooks read their context from. */
export const HOOK_CONTEXT_ENV = 'CTO_HOOK_CONTEXT'

export interface HookContext {
  v: 1
  policy: ToolPolicy
  /** The folder the file tools are confined to (absolute). */
  workspace: string
  home: string
  /** Files holding keys (provider_endpoints.<model>.config_path), never readable. */
  keyFiles: string[]
  /** Bash calls go through the command policy (true when Claude Code's sandbox is off). */
  filterBash: boolean
}

export function encodeHookContext(ctx: HookContext): string {
  return Buffer.from(JSON.stringify(ctx)).toString('base64url')
}

export function decodeHookContext(text: string): HookContext {
  const ctx = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as HookContext
  if (ctx?.v !== 1 || typeof ctx.workspace !== 'string' || typeof ctx.home !== 'string' || !ctx.policy) throw new Error('the hook context on the command line is not one this cto wrote')
  return ctx
}
