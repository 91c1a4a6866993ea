/**
 * The same boundary for Claude Code's Bash tool: Claude Code ships the same sandbox runtime, turned
 * on through its `sandbox` settings, which cto passes on the command line (`--settings`, which
 * outrank every settings file). `failIfUnavailable` makes Claude Code refuse to start rather than
 * run Bash unsandboxed; `allowUnsandboxedCommands: false` takes away the model's
 * `dangerouslyDisableSandbox` escape hatch; `autoAllowBashIfSandboxed` lets sandboxed Bash run
 * without a permission prompt (there is no one to answer it in `-p` mode).
 */
import type {SandboxBoundary} from './boundary.js'

export interface ClaudeSandboxSettings {
  enabled: true
  failIfUnavailable: true
  autoAllowBashIfSandboxed: true
  allowUnsandboxedCommands: false
  filesystem: {denyRead: string[]; allowRead: string[]; allowWrite: string[]; denyWrite: string[]}
  network: {allowedDomains: string[]}
  credentials: {envVars: Array<{name: string; mode: 'deny'}>}
}

/** Variables Claude Code itself needs that its Bash commands must not see. */
export const CLAUDE_SECRET_ENV = ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'CLAUDE_CODE_OAUTH_TOKEN']

export function claudeSandboxSettings(b: SandboxBoundary): ClaudeSandboxSettings {
  return {
    enabled: true,
    failIfUnavailable: true,
    autoAllowBashIfSandboxed: true,
    allowUnsandboxedCommands: false,
    filesystem: {denyRead: [...b.denyRead, ...b.neverRead], allowRead: b.allowRead, allowWrite: b.allowWrite, denyWrite: b.denyWrite},
    network: {allowedDomains: b.network},
    credentials: {envVars: CLAUDE_SECRET_ENV.map((name) => ({name, mode: 'deny' as const}))},
  }
}

const CLAUDE_OWN_ENV = /^(ANTHROPIC_|CLAUDE_|CTO_|XDG_|DISABLE_|MCP_)|^(HTTPS?_PROXY|NO_PROXY|https?_proxy|no_proxy|NODE_EXTRA_CA_CERTS|SSL_CERT_FILE|SSL_CERT_DIR|DEBUG)$/

/**
 * The environment of a sandboxed Claude Code session: the sandbox's allow-list plus what Claude Code
 * itself needs (its key, endpoint and settings variables). Its Bash commands inherit this, minus
 * CLAUDE_SECRET_ENV, which Claude Code's sandbox unsets for them.
 */
export function claudeSessionEnv(env: NodeJS.ProcessEnv, allow: (name: string) => boolean): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(env)) if (v !== undefined && (allow(k) || CLAUDE_OWN_ENV.test(k))) out[k] = v
  return out
}
