/**
 * The engine collaborators the CLI uses for real runs (`cto run`, `cto task`): the tool worker bound
 * to the config's policy and the workspace, Claude Code's PreToolUse hook (dist/tools-hook.js) and
 * sandbox, timeouts and retries from config.
 */
import {join} from 'node:path'
import type {EffectiveConfig} from '../config/effective.js'
import type {EngineDeps} from '../engines/index.js'
import {setConfiguredKeyFiles} from '../tools/policy/protected-paths.js'

export interface CliEngineDepsOptions {
  config: EffectiveConfig
  /** The CLI's root folder (oclif `config.root`), for the hook command. */
  root: string
  env: NodeJS.ProcessEnv
  /** Narrows the tool worker's root (`--workspace`). */
  workspace?: string
}

function quote(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`
}

/**
 * Claude Code's PreToolUse hook: the bundled dist/tools-hook.js (not the whole CLI: it runs before
 * every tool call). The engine appends the session's context (policy, workspace) as its argument.
 */
export function hookCommandFor(root: string): string {
  return `${quote(process.execPath)} ${quote(join(root, 'dist', 'tools-hook.js'))}`
}

/** Files the config names as holding keys: never readable by the tools or inside the sandbox. */
export function configuredKeyFiles(config: EffectiveConfig, env: NodeJS.ProcessEnv): string[] {
  const home = env.HOME ?? ''
  return Object.values(config.provider_endpoints)
    .map((e) => e.config_path)
    .filter((p): p is string => typeof p === 'string' && p.length > 0)
    .map((p) => (p === '~' || p.startsWith('~/') ? home + p.slice(1) : p))
}

export function cliEngineDeps(opts: CliEngineDepsOptions): EngineDeps {
  const e = opts.config.engines
  const keyFiles = configuredKeyFiles(opts.config, opts.env)
  setConfiguredKeyFiles(keyFiles)
  return {
    env: opts.env,
    requestTimeoutMs: e.request_timeout_seconds * 1000,
    retry: {maxRetries: e.max_retries},
    hookCommand: hookCommandFor(opts.root),
    toolPolicy: opts.config.tools,
    claude: {permissionMode: e.claude_permission_mode === 'dontAsk' ? 'dontAsk' : e.claude_permission_mode, toolsWorkspace: opts.workspace, keyFiles},
    // Root: --workspace, else config tools.workspace, else home (as in the original system); the
    // worker starts in the request's folder (the working directory).
    toolRunnerFactory: async (ctx) => {
      const {createToolRunner} = await import('../tools/worker/tool-runner.js')
      return createToolRunner({model: ctx.model.name, workspace: opts.workspace, policy: opts.config.tools, env: ctx.env, cwd: ctx.workspace})
    },
  }
}
