/**
 * The operating-system sandbox for the tool worker's commands, through @anthropic-ai/sandbox-runtime
 * (pinned 0.0.78, the last release for Node 20): bubblewrap on Linux (with socat for the network
 * proxy and ripgrep for its deny scans), Seatbelt (sandbox-exec) on macOS. Its library API is used
 * rather than the `srt` CLI: it builds each command's bubblewrap line in-process (~12 ms), and
 * starts its network proxies (~120 ms) only when the config allows domains (numbers: `npm run bench
 * -- sandbox`).
 *
 * What the kernel then guarantees for a command (Linux): its own user, PID, network and mount
 * namespaces (`--unshare-user --unshare-pid --unshare-net`, a fresh /proc: no other process is
 * visible, so no other process's environment is readable); every process it starts dies with it
 * (`--die-with-parent`, PID namespace); the file system as boundary.ts says. sandbox-runtime's
 * seccomp filter also blocks new Unix-domain sockets (x64/arm64).
 *
 * The manager is a process-wide singleton in sandbox-runtime, so this module owns it: the proxies
 * start once, again only when the network list changes, and shutDownSandbox() stops them (the CLI
 * does at the end of every command that started them, or they would keep the process alive).
 */
import {spawnSync} from 'node:child_process'
import {createRequire} from 'node:module'
import {dirname, join} from 'node:path'

import type {SandboxBoundary} from './boundary.js'
import {gitExcludesPrefix, standInExcludes} from './git-stand-ins.js'

type Manager = typeof import('@anthropic-ai/sandbox-runtime').SandboxManager

export type SandboxAvailability = {ok: true; platform: string} | {ok: false; reason: string; fix: string[]}

export const SANDBOX_FIX_INSTALL = 'Install the sandbox: apt-get install bubblewrap socat ripgrep (Debian/Ubuntu; dnf or pacman install the same packages elsewhere).'
export const SANDBOX_FIX_OPT_OUT = 'Or run commands without an OS boundary (not recommended): set "tools": {"sandbox": "off"} in your config (cto prints a warning on every run).'

let manager: Manager | undefined
let initialisedFor: string | undefined
let availability: Promise<SandboxAvailability> | undefined

/** Set while sandbox-runtime's network proxies run: they keep the process alive until shutDownSandbox(). */
export const PROXIES_RUNNING = Symbol.for('cto.sandbox.proxies')

async function loadManager(): Promise<Manager> {
  if (!manager) manager = (await import('@anthropic-ai/sandbox-runtime')).SandboxManager
  return manager
}

/** sandbox-runtime's vendored helpers (seccomp filter, Java proxy agent): commands must be able to run them. */
export function runtimeVendorDir(): string | undefined {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('@anthropic-ai/sandbox-runtime/package.json')), 'vendor')
  } catch {
    return undefined
  }
}

function platformName(): string {
  return process.platform === 'darwin' ? 'macOS (Seatbelt)' : process.platform === 'linux' ? 'Linux (bubblewrap)' : process.platform
}

const NO_FS = {denyRead: [], allowRead: [], allowWrite: [], denyWrite: []}

/**
 * The network proxies are started only when domains are allowed: with none, the command gets a
 * network namespace of its own holding only loopback, and nothing runs in this process.
 */
async function managerFor(network: string[]): Promise<Manager> {
  const m = await loadManager()
  const key = JSON.stringify(network)
  if (initialisedFor === key || (network.length === 0 && initialisedFor === undefined)) return m
  await shutDownSandbox()
  if (network.length === 0) return m
  await m.initialize({network: {allowedDomains: network, deniedDomains: []}, filesystem: NO_FS})
  initialisedFor = key
  ;(globalThis as Record<symbol, unknown>)[PROXIES_RUNNING] = true
  return m
}

/** Stops the network proxies, if any run (end of a command; tests). */
export async function shutDownSandbox(): Promise<void> {
  if (manager && initialisedFor !== undefined) await manager.reset()
  initialisedFor = undefined
  delete (globalThis as Record<symbol, unknown>)[PROXIES_RUNNING]
}

/**
 * Can commands run sandboxed here? Checks the platform and the programs (bwrap, socat, rg), then
 * runs `true` inside a real sandbox once per process (a kernel without user namespaces fails only
 * there). Never throws.
 */
export function sandboxAvailability(): Promise<SandboxAvailability> {
  availability ??= (async (): Promise<SandboxAvailability> => {
    if (process.platform !== 'linux' && process.platform !== 'darwin') {
      return {ok: false, reason: `the OS sandbox is not supported on ${process.platform} (Linux with bubblewrap and macOS are)`, fix: [SANDBOX_FIX_OPT_OUT.replace(/^Or run/, 'Run')]}
    }
    try {
      const m = await loadManager()
      const deps = m.checkDependencies()
      if (deps.errors.length > 0) return {ok: false, reason: `the OS sandbox can't start: ${deps.errors.join('; ')}`, fix: [SANDBOX_FIX_INSTALL, SANDBOX_FIX_OPT_OUT]}
      const probe = await m.wrapWithSandboxArgv('true', '/bin/bash', {network: {allowedDomains: [], deniedDomains: []}, filesystem: NO_FS})
      const r = spawnSync(probe.argv[0]!, probe.argv.slice(1), {encoding: 'utf8', timeout: 15_000, env: {PATH: process.env.PATH ?? '/usr/bin:/bin'}})
      m.cleanupAfterCommand()
      if (r.status !== 0) {
        const why = (r.stderr || r.error?.message || `exit ${r.status}`).trim().split('\n').slice(-2).join(' ')
        return {
          ok: false,
          reason: `the OS sandbox failed to start a command (${why})`,
          fix: ['Enable unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1, or the AppArmor rule for bwrap on Ubuntu 24.04+).', SANDBOX_FIX_INSTALL, SANDBOX_FIX_OPT_OUT],
        }
      }
      return {ok: true, platform: platformName()}
    } catch (error) {
      return {ok: false, reason: `the OS sandbox can't start: ${(error as Error).message}`, fix: [SANDBOX_FIX_INSTALL, SANDBOX_FIX_OPT_OUT]}
    }
  })()
  return availability
}

/** Forgets the cached availability and stops the proxies (tests). */
export async function resetSandbox(): Promise<void> {
  availability = undefined
  await shutDownSandbox()
}

export interface SandboxedCommand {
  argv: string[]
  /**
   * Call once the command has exited. bubblewrap needs a file or folder to mount over for each
   * protected path that doesn't exist (sandbox-runtime protects `.bashrc`, `.mcp.json`, `.claude`,
   * `.vscode`, … in the working folder), and creates empty ones in the user's folder while the
   * command runs: this removes them again (only if still empty).
   */
  release(): void
}

/**
 * The argv that runs `command` with bash inside the sandbox. The caller spawns it in `boundary.cwd`
 * with the allow-listed environment (sandbox-env.ts): sandbox-runtime sets its proxy variables
 * inside. Call sandboxAvailability() first, and release() after the command.
 */
export async function sandboxedCommand(command: string, boundary: SandboxBoundary, signal?: AbortSignal): Promise<SandboxedCommand> {
  const m = await managerFor(boundary.network)
  const vendor = runtimeVendorDir()
  const sockets = [m.getLinuxHttpSocketPath(), m.getLinuxSocksSocketPath()].filter((p): p is string => typeof p === 'string')
  const allowRead = [...boundary.allowRead, ...sockets, ...(vendor ? [vendor] : [])]
  // /tmp inside is a fresh, private tmpfs; sandbox-runtime points TMPDIR at /tmp/claude in it, which
  // must exist for mktemp & co. Same line as the command, so bash's line numbers stay the model's.
  // Where bubblewrap's stand-ins sit in the repository the command works in, git is told to pass them by (git-stand-ins.ts).
  const excludes = standInExcludes(process.cwd(), boundary.cwd)
  const git = excludes ? `${gitExcludesPrefix(excludes)} ` : ''
  const {argv} = await m.wrapWithSandboxArgv(
    `mkdir -p -- "\${TMPDIR:-/tmp}" 2>/dev/null; ${git}${command}`,
    '/bin/bash',
    {
      network: {allowedDomains: boundary.network, deniedDomains: []},
      filesystem: {
        denyRead: [...boundary.denyRead, ...boundary.neverRead],
        allowRead,
        allowWrite: boundary.allowWrite,
        denyWrite: boundary.denyWrite,
      },
    },
    signal,
    boundary.cwd,
  )
  let released = false
  return {
    argv,
    release: () => {
      if (released) return
      released = true
      m.cleanupAfterCommand()
    },
  }
}
