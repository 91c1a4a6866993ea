import {formatInt, formatSeconds, formatTokens, formatUsd} from '../core/cli/format.js'
import {Args, Flags} from '@oclif/core'
import {CtoCommand} from '../core/cli/base-command.js'
import {clause} from '../core/cli/clause.js'
import {findModel} from '../core/context.js'
import {CtoError, InterruptedError, ModelDisabledError, NeedsKeyError} from '../core/errors.js'
import {EXIT} from '../core/exit-codes.js'
import type {EngineResult} from '../core/engines/types.js'

export type RunResult = EngineResult & {model: string; engine: string}

const fmtSummary = (r: RunResult) =>
  `${r.model} · ${formatTokens(r.usage)} (${formatInt(r.usage.input_tokens)} in, ${formatInt(r.usage.output_tokens)} out) · ${formatUsd(r.cost_usd)} · ${formatSeconds(r.duration_ms)}${r.turns > 1 ? ` · ${r.turns} turns` : ''}${r.tool_calls.length > 0 ? ` · ${r.tool_calls.length} tool calls` : ''}`

export default class Run extends CtoCommand {
  static override summary = 'Run one model directly on a prompt, without routing or review (like llm -m).'
  static override description = 'Tool-capable models act through the tool worker (its policy applies); Claude models run as a Claude Code session with the same policy as its PreToolUse hook; text models answer in text. Prints the answer and a summary line (model, tokens, cost, time).'
  static override examples = [
    '<%= config.bin %> <%= command.id %> -m deepseek "list the TypeScript files here and count their lines"',
    '<%= config.bin %> <%= command.id %> -m kimi "summarise the trade-offs of CRDTs"',
    '<%= config.bin %> <%= command.id %> -m sonnet --workspace ~/code/app --timeout 600 "fix the failing test"',
    '<%= config.bin %> <%= command.id %> -m deepseek --json "what is in package.json?" | jq .text',
    'git diff | <%= config.bin %> <%= command.id %> -m kimi --system "review this diff" -',
  ]
  static override strict = false
  /** For the README's exit-code table (test/cli/readme-tables.test.ts). */
  static exitCodes = [EXIT.ok, EXIT.error, EXIT.usage, EXIT.interrupted]
  static override args = {
    prompt: Args.string({description: 'the prompt (quote it, or pass the words as they are); "-" or none with a pipe: read it from standard input', ignoreStdin: true}),
  }
  static override flags = {
    model: Flags.string({char: 'm', description: 'The model to run (see "cto models list").', required: true}),
    file: Flags.string({char: 'f', description: 'Read the prompt from this file ("-": standard input).'}),
    workspace: Flags.directory({description: 'Folder the model may act in (default: tools.workspace, else the git repository you are in, else this folder).', exists: true}),
    'max-turns': Flags.integer({description: 'Tool-calling turns (default 25, config engines.max_turns).', min: 1}),
    timeout: Flags.integer({description: 'Seconds for the whole run (default config engines.attempt_timeout_seconds).', min: 1}),
    system: Flags.string({description: 'A system prompt.'}),
  }

  async run(): Promise<RunResult> {
    const {argv, flags} = await this.parse(Run)
    const {readTaskInput} = await import('../core/cli/task-input.js')
    const {text: prompt} = await readTaskInput({argv: argv as string[], file: flags.file, noun: 'prompt', usage: `cto run -m ${flags.model}`, warn: (m) => this.note(`Warning: ${m}`)})
    const ctx = await this.loadCtx()
    this.noteBeforeWork(ctx)
    const model = findModel(ctx, flags.model)
    if (!model.enabled) throw new ModelDisabledError(model.name)
    if (model.needsKey && !model.apiKey) throw new NeedsKeyError(model.name, model.keyEnvVar)
    const {modelAvailability} = await import('../core/availability/model-availability.js')
    const {setupProblem} = await import('../core/availability/setup-failure.js')
    const availability = await modelAvailability([model], ctx.env)
    const known = availability.unavailable.get(model.name)
    // An engine that can't start is not worth a try; a problem seen earlier (an endpoint down) is: it may be fixed.
    if (known && known.since === null) throw new CtoError({code: 'MODEL_UNAVAILABLE', message: `${model.name} can't be used: ${known.reason}.`, actions: [known.fix]})
    const {toolCallLine} = await import('../core/task/tool-call-line.js')
    const {terminalText} = await import('../core/cli/terminal-text.js')
    const {watchInterrupts} = await import('../core/cli/interrupt.js')
    const interrupt = watchInterrupts({note: (m) => process.stderr.write(`\n${m}\n`)})
    const {runEngine} = await import('../core/engines/index.js')
    const {cliEngineDeps} = await import('../core/task/engine-deps.js')
    const deps = cliEngineDeps({config: ctx.config, root: this.config.root, env: ctx.env, workspace: flags.workspace})
    const streaming = !this.jsonEnabled() && process.stdout.isTTY === true
    let streamed = false
    const result = await runEngine(
      {
        model,
        prompt,
        system: flags.system,
        workspace: flags.workspace ?? ctx.cwd,
        maxTurns: flags['max-turns'] ?? ctx.config.engines.max_turns,
        timeoutMs: (flags.timeout ?? ctx.config.engines.attempt_timeout_seconds) * 1000,
        signal: interrupt.signal,
        onEvent: this.jsonEnabled()
          ? undefined
          : (e) => {
              if (e.type === 'text' && streaming) {
                process.stdout.write(terminalText(e.delta))
                streamed = true
              } else if (e.type === 'retry') {
                if (streamed) process.stdout.write('\n')
                streamed = false
                this.note(terminalText(`retry ${e.attempt} in ${(e.delayMs / 1000).toFixed(1)}s: ${e.reason}`))
              } else if (e.type === 'tool_call') this.note(`→ ${toolCallLine(e.name, e.input, e.summary, [model.apiKey])}`)
              else if (e.type === 'tool_result' && !e.ok) this.note(terminalText(`  ✗ ${e.refused ? 'refused' : 'failed'}: ${e.summary}`))
            },
      },
      deps,
    )
    interrupt.dispose()
    const setup = interrupt.received ? undefined : setupProblem(model.name, result.error)
    try {
      if (setup) await availability.log.recordProblem(model, setup)
      else if (result.ok) await availability.log.recordWorking(model)
    } catch (error) {
      this.note(`Warning: could not record the availability of ${model.name}: ${(error as Error).message}`)
    }
    const out: RunResult = {...result, model: model.name, engine: model.engine}
    if (!this.jsonEnabled()) {
      if (streamed) process.stdout.write(result.text.endsWith('\n') ? '' : '\n')
      else if (result.text) this.log(terminalText(result.text))
      for (const d of result.permission_denials ?? []) this.note(terminalText(`Claude Code denied ${d.tool_name}${d.reason ? `: ${d.reason}` : ''}`))
      this.note(fmtSummary(out))
    }
    if (!result.ok) {
      const e = result.error
      // A provider reports tokens when its answer ends: cut off mid-answer, there is no count ("0 tokens spent" was not so).
      const spent = result.usage.input_tokens + result.usage.output_tokens > 0 ? `${formatTokens(result.usage)} spent so far` : 'before the provider reported any tokens'
      if (interrupt.received) throw new InterruptedError(`Interrupted: ${model.name} was stopped (${spent}).`)
      const actions = setup ? [setup.fix] : e?.retryable ? ['It may work if you try again.'] : []
      // The engine's message names the model first ("deepseek: …"): said once, not "deepseek failed: deepseek: …".
      const what = clause(e?.message ?? 'unknown error', model.name)
      // Error documents' codes are UPPER_SNAKE like every other command's; the engine's own (the store's
      // error_class, an attempt's code in cto task --json) stay as they are.
      throw new CtoError({code: e?.code ? e.code.toUpperCase() : 'RUN_FAILED', message: `${model.name} failed: ${what}${what.endsWith('...') ? '' : '.'}`, actions})
    }
    return out
  }
}
