/**
 * The engines behind one factory: `createEngine(kind, deps)` or, for one run, `runEngine(request,
 * deps)` (the model's `engine` picks the kind). Engine modules are small; the heavy libraries they
 * use (openai, execa) are imported when a run starts.
 */
import type {EngineKind} from '../providers/spec.js'
import {resolveToolPolicy, type ToolPolicy, type ToolPolicyInput} from '../tools/policy/policy-schema.js'
import type {ClaudeOutputFormat, ClaudePermissionMode} from './claude-args.js'
import {createClaudeCliEngine} from './claude-cli-engine.js'
import {createOpenAIToolsEngine, type ToolRunnerFactory} from './openai-tools-engine.js'
import type {RetryPolicy, SleepFn} from './retry.js'
import {createTextEngine} from './text-engine.js'
import type {Engine, EngineRequest, EngineResult} from './types.js'

export interface EngineDeps {
  /**
   * Makes the tool worker for `openai-tools` runs. Default: the real one (src/core/tools, imported
   * when a run starts) with `toolPolicy`, rooted at the request's workspace.
   */
  toolRunnerFactory?: ToolRunnerFactory
  /** The `tools` config section for the default tool worker. Default: its built-in policy. */
  toolPolicy?: ToolPolicy | ToolPolicyInput
  /** Shell command of Claude Code's PreToolUse hook (`"<node>" "<bin/run.js>" tools hook`); `false` to run without. */
  hookCommand?: string | false
  /** Base environment for children and the tool worker. Default `process.env`. */
  env?: NodeJS.ProcessEnv
  sleep?: SleepFn
  random?: () => number
  now?: () => number
  retry?: Partial<RetryPolicy>
  /** Timeout of one HTTP request to a provider. Default 120 s. */
  requestTimeoutMs?: number
  /** Fail after this many malformed tool calls in a row. Default 3. */
  maxMalformedInARow?: number
  claude?: {
    bin?: string
    permissionMode?: ClaudePermissionMode
    outputFormat?: ClaudeOutputFormat
    hookMatcher?: string
    extraArgs?: string[]
    killGraceMs?: number
    /** `--workspace` for the session's boundary (see ClaudeCliEngineOptions). */
    toolsWorkspace?: string
    keyFiles?: string[]
  }
}

/** Throws a CtoError for settings that can never run (bypassPermissions as root). */
export function createEngine(kind: EngineKind, deps: EngineDeps = {}): Engine {
  const chat = {sleep: deps.sleep, random: deps.random, now: deps.now, retry: deps.retry, requestTimeoutMs: deps.requestTimeoutMs}
  switch (kind) {
    case 'text':
      return createTextEngine(chat)
    case 'openai-tools':
      return createOpenAIToolsEngine({
        ...chat,
        toolRunnerFactory: deps.toolRunnerFactory ?? defaultToolRunnerFactory(deps.toolPolicy),
        maxMalformedInARow: deps.maxMalformedInARow,
        env: deps.env,
      })
    case 'claude-cli':
      return createClaudeCliEngine({
        ...deps.claude,
        hookCommand: deps.hookCommand,
        env: deps.env,
        now: deps.now,
        toolPolicy: deps.toolPolicy === undefined ? undefined : resolveToolPolicy(deps.toolPolicy as ToolPolicyInput),
      })
  }
}

function defaultToolRunnerFactory(policy: ToolPolicy | ToolPolicyInput | undefined): ToolRunnerFactory {
  return async ({model, workspace, env}) => {
    const {createToolRunner} = await import('../tools/worker/tool-runner.js')
    return createToolRunner({model: model.name, workspace, env, policy})
  }
}

/** Runs `request` on the engine its model names. Never throws for run-time failures: see `result.error`. */
export async function runEngine(request: EngineRequest, deps: EngineDeps = {}): Promise<EngineResult> {
  return createEngine(request.model.engine, deps).run(request)
}

export type {Engine, EngineEvent, EngineFailure, EngineRequest, EngineResult, ToolCallRecord, Usage} from './types.js'
export type {EngineKind} from '../providers/spec.js'
export type {ToolRunnerContext, ToolRunnerFactory} from './openai-tools-engine.js'
export {DEFAULT_MAX_TURNS} from './openai-tools-engine.js'
export {redact} from './redact.js'
export {claudeHookSettings} from './claude-args.js'
