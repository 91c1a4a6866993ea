/**
 * The engine collaborators the CLI uses for real runs (`cto run`, `cto task`): the tool worker bound
 * to the config's policy and the workspace, Claude Code's PreToolUse hook pointing back at this CLI
 * (`cto tools hook`), timeouts and retries from config.
 */
import {join} from 'node:path'
import type {EffectiveConfig} from '../config/effective.js'
import type {EngineDeps} from '../engines/index.js'

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

export function hookCommandFor(root: string, workspace?: string): string {
  const base = `${quote(process.execPath)} ${quote(join(root, 'bin', 'run.js'))} tools hook`
  return workspace ? `${base} --workspace ${quote(workspace)}` : base
}

export function cliEngineDeps(opts: CliEngineDepsOptions): EngineDeps {
  const e = opts.config.engines
  return {
    env: opts.env,
    requestTimeoutMs: e.request_timeout_seconds * 1000,
    retry: {maxRetries: e.max_retries},
    hookCommand: hookCommandFor(opts.root, opts.workspace),
    claude: {permissionMode: e.claude_permission_mode === 'dontAsk' ? 'dontAsk' : e.claude_permission_mode},
    // Root: --workspace, else config tools.workspace, else home (as in the original system); the
    // worker starts in the request's folder (the working directory).
    toolRunnerFactory: async (ctx) => {
      const {createToolRunner} = await import('../tools/worker/tool-runner.js')
      return createToolRunner({model: ctx.model.name, workspace: opts.workspace, policy: opts.config.tools, env: ctx.env, cwd: ctx.workspace})
    },
  }
}
