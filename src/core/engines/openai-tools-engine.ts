/**
 * The `openai-tools` engine: an OpenAI-compatible model acting through the tool worker. Each turn
 * sends the conversation with the tool definitions; the calls the model returns run through the
 * ToolRunner one after another in the order given (ids kept, so results line up), and their results
 * go back as `tool` messages. The run ends when the model answers without tool calls, and fails at
 * the turn limit or after too many malformed calls in a row.
 */

import type {ResolvedModel} from '../providers/resolve.js'
import type {ToolResult, ToolRunner} from '../tools/types.js'
import {finishAttempt, startAttempt} from './attempt.js'
import {resolveChatOptions, type ChatEngineOptions} from './chat-engine-options.js'
import {addUsage} from './cost.js'
import {EngineFailureError} from './engine-failure.js'
import {chatCompletion, openChatSession} from './openai-chat.js'
import {redact} from './redact.js'
import {createTextEngine, initialMessages} from './text-engine.js'
import {describeCall, malformedReason} from './tool-call-check.js'
import {outputTail} from './output-tail.js'
import type {CommandRun, Engine, EngineRequest, EngineResult, ToolCallRecord, Usage} from './types.js'

export const DEFAULT_MAX_TURNS = 25
export const DEFAULT_MAX_MALFORMED_IN_A_ROW = 3

export interface ToolRunnerContext {
  model: ResolvedModel
  workspace: string
  env: NodeJS.ProcessEnv
}

/** Makes the tool worker for one run (the caller binds the policy: `(ctx) => createToolRunner({...ctx, policy})`). */
export type ToolRunnerFactory = (context: ToolRunnerContext) => ToolRunner | Promise<ToolRunner>

export interface OpenAIToolsEngineOptions extends ChatEngineOptions {
  toolRunnerFactory?: ToolRunnerFactory
  /** The attempt fails after this many malformed tool calls in a row. Default 3. */
  maxMalformedInARow?: number
  /** Environment for the tool worker when the request has none. */
  env?: NodeJS.ProcessEnv
}

export function createOpenAIToolsEngine(options: OpenAIToolsEngineOptions = {}): Engine {
  const opts = resolveChatOptions(options)
  const maxMalformed = options.maxMalformedInARow ?? DEFAULT_MAX_MALFORMED_IN_A_ROW
  const textEngine = createTextEngine(options)

  return {
    kind: 'openai-tools',
    async run(request: EngineRequest): Promise<EngineResult> {
      if (request.allowTools === false) return textEngine.run(request)
      const attempt = startAttempt(request, opts.now)
      const onEvent = request.onEvent
      const secrets = [request.model.apiKey]
      const maxTurns = request.maxTurns ?? DEFAULT_MAX_TURNS
      const messages = initialMessages(request)
      const records: ToolCallRecord[] = []
      let usage: Usage = {input_tokens: 0, output_tokens: 0}
      let text = ''
      let turns = 0
      let malformedInARow = 0
      let lastMalformed = ''
      const outcome = () => ({text, usage, turns, tool_calls: records})

      try {
        if (!options.toolRunnerFactory) {
          throw new EngineFailureError({
            code: 'no_tool_worker',
            message: `${request.model.name} uses tools, but no tool worker was given to the engine.`,
            retryable: false,
          })
        }
        const runner = await options.toolRunnerFactory({
          model: request.model,
          workspace: request.workspace,
          env: request.env ?? options.env ?? process.env,
        })
        const tools = runner.openaiTools()
        const session = await openChatSession(request.model, opts.requestTimeoutMs)

        for (;;) {
          turns++
          onEvent?.({type: 'turn', turn: turns})
          const reply = await chatCompletion(session, {
            messages,
            tools,
            responseFormat: request.responseFormat,
            onText: onEvent ? (delta) => onEvent({type: 'text', delta}) : undefined,
            signal: attempt.signal,
            ...opts,
            onEvent,
          })
          usage = addUsage(usage, reply.usage)
          text = reply.content
          if (reply.toolCalls.length === 0) return finishAttempt(request, attempt, outcome())

          messages.push({
            role: 'assistant',
            content: reply.content || null,
            tool_calls: reply.toolCalls.map((call) => ({id: call.id, type: 'function', function: {name: call.name, arguments: call.arguments}})),
          })
          for (const call of reply.toolCalls) {
            const summary = redact(describeCall(call.name, call.arguments), secrets)
            onEvent?.({type: 'tool_call', name: call.name, summary, input: parseArguments(call.arguments)})
            const malformed = malformedReason(call.name, call.arguments, tools)
            malformedInARow = malformed ? malformedInARow + 1 : 0
            if (malformed) lastMalformed = malformed
            const result = await runTool(runner, call.name, call.arguments, attempt.signal)
            const resultSummary = redact(result.ok ? firstLine(result.content) : result.error, secrets)
            const refusal = !result.ok && result.rule ? {refused: true, rule: result.rule, reason: redact(result.error, secrets), input: parseArguments(call.arguments)} : {}
            records.push({id: call.id, name: call.name, ok: result.ok, summary: result.ok ? summary : `${summary} → ${resultSummary}`, ...refusal, ...commandRun(call.name, call.arguments, result, secrets)})
            onEvent?.({type: 'tool_result', name: call.name, ok: result.ok, summary: resultSummary, ...(refusal.refused ? {refused: true} : {})})
            messages.push({role: 'tool', tool_call_id: call.id, content: result.ok ? result.content : `Error: ${result.error}`})
            if (attempt.signal.aborted) throw attempt.signal.reason
          }

          if (malformedInARow >= maxMalformed) {
            throw new EngineFailureError({
              code: 'malformed_tool_calls',
              message: `${request.model.name} sent ${malformedInARow} malformed tool calls in a row (last: ${lastMalformed}); giving up on this attempt.`,
              retryable: false,
            })
          }
          if (turns >= maxTurns) {
            throw new EngineFailureError({
              code: 'turn_limit',
              message: `${request.model.name} was still calling tools after ${maxTurns} turns (the turn limit; raise it with --max-turns).`,
              retryable: false,
            })
          }
        }
      } catch (error) {
        return finishAttempt(request, attempt, {...outcome(), error: abortReason(error, attempt.signal)})
      }
    },
  }
}

async function runTool(runner: ToolRunner, name: string, rawArguments: string, signal: AbortSignal): Promise<ToolResult> {
  try {
    return await runner.execute(name, rawArguments, {signal})
  } catch (error) {
    // The runner promises not to throw; if it does anyway, the model hears about it and the loop goes on.
    return {ok: false, error: `The tool failed: ${error instanceof Error ? error.message : String(error)}`}
  }
}

function abortReason(error: unknown, signal: AbortSignal): unknown {
  if (error instanceof EngineFailureError) return error
  if (signal.aborted) {
    const reason: unknown = signal.reason
    return reason instanceof EngineFailureError ? reason : new EngineFailureError({code: 'aborted', message: 'The run was cancelled.', retryable: false})
  }
  return error
}

/** A run_command call as evidence for the reviewer: the command, its exit code, the tail of its output. */
function commandRun(name: string, rawArguments: string, result: ToolResult, secrets: Array<string | undefined>): {run?: CommandRun} {
  if (name !== 'run_command') return {}
  let command: unknown
  try {
    command = (JSON.parse(rawArguments) as {command?: unknown}).command
  } catch {
    return {}
  }
  if (typeof command !== 'string') return {}
  if (!result.ok) return {run: {command: redact(command, secrets), exit_code: null, output_tail: redact(`refused: ${result.error}`, secrets)}}
  const d = (result.data ?? {}) as {exit_code?: number | null; stdout?: string; stderr?: string; timed_out?: boolean}
  const output = [d.stdout ?? '', d.stderr ?? ''].filter((s) => s.trim()).join('\n')
  const tail = outputTail(d.timed_out ? `${output}\n(timed out)` : output)
  return {run: {command: redact(command, secrets), exit_code: typeof d.exit_code === 'number' ? d.exit_code : null, output_tail: redact(tail, secrets)}}
}

/** The model's arguments as an object, or undefined when they are not one (the call is malformed). */
function parseArguments(raw: string): unknown {
  try {
    return raw.trim() === '' ? {} : JSON.parse(raw)
  } catch {
    return undefined
  }
}

function firstLine(text: string, max = 120): string {
  const line = text.split('\n', 1)[0] ?? ''
  return line.length > max ? `${line.slice(0, max - 1)}…` : line
}
