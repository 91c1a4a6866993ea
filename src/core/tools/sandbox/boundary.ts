/**
 * The sandbox's rules, computed once from the policy and the workspace, and given to both
 * enforcers: the tool worker's commands (sandbox-runtime over bubblewrap / Seatbelt, os-sandbox.ts)
 * and Claude Code's Bash (its own sandbox, claude-settings.ts). Pure: no I/O but stat calls.
 *
 *   writable   the workspace, the command's private /tmp, and `tools.sandbox.allow_write`;
 *   readable   the system, the workspace, and the home folders `tools.sandbox.allow_read` lists
 *              (toolchains); every home folder (/home, /root, $HOME), the shared temp folders and
 *              per-user runtime folders (agent sockets) are hidden;
 *   never      keys and credentials (src/core/tools/policy/protected-paths.ts) stay hidden even
 *              inside a readable folder; configuration files stay read-only even inside the workspace;
 *   network    none, unless `tools.sandbox.network` lists domains (reached through srt's proxy);
 *   env        an allow-list (sandbox-env.ts), not a deny-list.
 */
import {existsSync, realpathSync} from 'node:fs'
import {join, resolve} from 'node:path'

import {contextCwd, contextHome, contextPolicy, contextRoot, expandLeadingTilde, type PolicyContext} from '../policy/policy-context.js'
import {isInside} from '../policy/path-resolve.js'
import {CONFIG_FILE_NAMES, neverReadableEntries} from '../policy/protected-paths.js'
import {GUARDED_FOLDERS} from './config-guard.js'

export interface SandboxBoundary {
  workspace: string
  cwd: string
  home: string
  /** Folders hidden from commands (each becomes an empty folder inside). */
  denyRead: string[]
  /** Folders re-exposed read-only inside the hidden ones. */
  allowRead: string[]
  /** Hidden even inside allowRead or the workspace (patterns: `*` within one segment). */
  neverRead: string[]
  /** The only writable folders (besides the private /tmp). */
  allowWrite: string[]
  /** Existing files and folders kept read-only inside the writable ones. */
  denyWrite: string[]
  /** Domains commands may reach; empty: no network. */
  network: string[]
  /** Extra environment variables passed in (tools.sandbox.env). */
  envNames: string[]
}

/** Shared and per-user folders outside the home folder that hold other programs' files and sockets. */
const HIDDEN_SYSTEM_FOLDERS = ['/home', '/root', '/Users', '/tmp', '/var/tmp', '/private/tmp', '/run/user', '/var/run/user', '/media', '/mnt']

/** Folders of the workspace that run code or hold config when git or Claude Code starts later. */
const WORKSPACE_READ_ONLY = [...CONFIG_FILE_NAMES, join('.claude', 'settings.json'), join('.claude', 'settings.local.json'), ...GUARDED_FOLDERS, '.mcp.json', join('.git', 'hooks'), join('.git', 'config')]

function real(p: string): string {
  try {
    return realpathSync.native(p)
  } catch {
    return p
  }
}

export interface BoundaryOptions {
  /** Folders the caller must be able to read inside the sandbox (e.g. sandbox-runtime's own helpers). */
  extraReadable?: string[]
}

export function sandboxBoundary(ctx: PolicyContext, opts: BoundaryOptions = {}): SandboxBoundary {
  const policy = contextPolicy(ctx)
  const home = contextHome(ctx)
  const workspace = contextRoot(ctx)
  const cwd = contextCwd(ctx)
  const expand = (p: string) => resolve(home, expandLeadingTilde(p, home))
  const s = policy.sandbox

  // Where each really is: bubblewrap can't mount over a symlink (/var/run → /run on most systems).
  const denyRead = [...new Set([home, ...HIDDEN_SYSTEM_FOLDERS].filter((p) => existsSync(p)).map(real))]
  const allowRead = [...new Set([workspace, ...s.allow_read.map(expand), ...(opts.extraReadable ?? [])])].filter((p) => existsSync(p))
  const allowWrite = [...new Set([workspace, ...s.allow_write.map(expand)])].filter((p) => existsSync(p))
  const neverRead = neverReadableEntries(ctx).map((e) => e.pattern)
  const denyWrite = WORKSPACE_READ_ONLY.map((rel) => join(workspace, rel)).filter((p) => existsSync(p))
  for (const p of policy.deny_write.map(expand)) if (existsSync(p) && allowWrite.some((w) => isInside(w, p))) denyWrite.push(p)

  return {workspace, cwd, home, denyRead, allowRead, neverRead, allowWrite, denyWrite, network: [...s.network], envNames: [...s.env]}
}
