/**
 * Which boundary is active for commands started here, for `cto status` and `cto tools
 * check-command`: the OS sandbox (and whether it can start), the command filter, the workspace.
 */
import {isInside} from '../policy/path-resolve.js'
import {sandboxOn, type ToolPolicy} from '../policy/policy-defaults.js'
import {sandboxBoundary} from './boundary.js'
import {sandboxAvailability} from './os-sandbox.js'

export interface BoundaryReport {
  /** on: commands run in the OS sandbox; off: the config turned it off; unavailable: on, but it can't start (commands are refused). */
  sandbox: 'on' | 'off' | 'unavailable'
  platform: string | null
  reason: string | null
  fix: string[]
  filter: 'on' | 'off'
  workspace: string
  writable: string[]
  network: string[]
}

export async function describeBoundary(policy: ToolPolicy, opts: {env: NodeJS.ProcessEnv; cwd: string; workspace?: string}): Promise<BoundaryReport> {
  const b = sandboxBoundary({env: opts.env, policy, workspace: opts.workspace ?? null, cwd: opts.cwd})
  // A writable folder that holds /tmp (a workspace of /tmp or /) is mounted over the private /tmp:
  // commands then write the host's /tmp, and the report must not call it private.
  const tmpShared = b.allowWrite.some((w) => isInside(w, '/tmp'))
  const base = {filter: policy.policy, workspace: b.workspace, writable: tmpShared ? [...b.allowWrite] : [...b.allowWrite, '/tmp (private)'], network: b.network}
  if (!sandboxOn(policy)) return {...base, sandbox: 'off', platform: null, reason: 'tools.sandbox is "off" in the config', fix: [], writable: ['everything you can write']}
  const a = await sandboxAvailability()
  return a.ok ? {...base, sandbox: 'on', platform: a.platform, reason: null, fix: []} : {...base, sandbox: 'unavailable', platform: null, reason: a.reason, fix: a.fix}
}

export function boundaryLine(r: BoundaryReport): string {
  const net = r.network.length > 0 ? r.network.join(', ') : 'none'
  if (r.sandbox === 'on') return `OS sandbox on (${r.platform}): writable ${r.writable.join(', ')}; network ${net}; command filter ${r.filter}`
  if (r.sandbox === 'off') return `OS sandbox OFF (tools.sandbox: "off"): commands run with all your rights; command filter ${r.filter}`
  return `OS sandbox unavailable, so commands are refused: ${r.reason}`
}
