/**
 * What can be known about a model's availability without calling it: whether its engine can start.
 * A Claude model needs the `claude` binary (CTO_CLAUDE_BIN, else `claude` on PATH); an
 * OpenAI-compatible model needs an endpoint. A few stat() calls, no process started.
 */
import {constants} from 'node:fs'
import {access} from 'node:fs/promises'
import {delimiter, isAbsolute, join} from 'node:path'
import type {ResolvedModel} from '../providers/resolve.js'
import type {SetupProblem} from './setup-failure.js'
import {noEndpointFix} from '../models/endpoint-setting.js'

async function executable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** The file `bin` names: a path as it is, a bare name looked up on PATH. undefined: not found. */
export async function findExecutable(bin: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (bin.includes('/')) return (await executable(isAbsolute(bin) ? bin : join(process.cwd(), bin))) ? bin : undefined
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && (await executable(join(dir, bin)))) return join(dir, bin)
  }
  return undefined
}

/** Why the model's engine can't start, or undefined. Results are shared per binary within one call. */
export async function engineStartProblems(models: readonly ResolvedModel[], env: NodeJS.ProcessEnv): Promise<Map<string, SetupProblem>> {
  const problems = new Map<string, SetupProblem>()
  const found = new Map<string, Promise<string | undefined>>()
  for (const m of models) {
    if (m.engine === 'claude-cli') {
      const bin = env.CTO_CLAUDE_BIN || 'claude'
      if (!found.has(bin)) found.set(bin, findExecutable(bin, env))
      if (!(await found.get(bin))) {
        problems.set(m.name, {
          code: 'claude_not_found',
          reason: env.CTO_CLAUDE_BIN ? `CTO_CLAUDE_BIN names ${bin}, which is not an executable file` : 'the Claude Code CLI ("claude") is not on PATH',
          fix: 'Install Claude Code with "npm install -g @anthropic-ai/claude-code", or set CTO_CLAUDE_BIN to its path.',
        })
      }
    } else if (!m.baseURL) {
      problems.set(m.name, {code: 'no_endpoint', reason: 'no endpoint is configured', fix: noEndpointFix(m)})
    }
  }
  return problems
}

