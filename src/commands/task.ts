import {Args, Flags} from '@oclif/core'
import {CtoCommand} from '../core/cli/base-command.js'
import {findModel} from '../core/context.js'
import {EXIT} from '../core/exit-codes.js'
import {COMPLEXITIES, TASK_TYPES} from '../core/providers/spec.js'
import type {TaskResult} from '../core/task/task-run.js'
import {renderTaskSummary, renderExplain} from '../core/task/render.js'

export type TaskCommandResult = TaskResult

export default class Task extends CtoCommand {
  static override summary = 'Carry out a task: the CTO model classifies it, the router picks a worker, the CTO reviews, failures escalate.'
  static override description = `Phases: 1. classification by the CTO model (or the local heuristic when it can't be reached); 2. the cost-aware override (routine work to cheaper models, daily token budgets) and a learned cascade plan: the first model and what follows a failure, chosen for expected accuracy per expected cost from what succeeded after which failures; 3. the worker runs on its engine, in its own copy of the project when it can change files; 4. the project's tests run on its change (review.verify, else detected from package.json, Makefile, pytest, Cargo.toml, go.mod); 5. the CTO reviews the diff, the commands and the test result, and a failure escalates from a clean copy — along the fallback chain until the store has evidence, then along the learned plan —, blocked after 3 attempts. Only an approved change reaches your folder, as a patch; rejected changes are kept in the task's folder (paths in --json). Every attempt is recorded (see "cto perf").

The task comes from the words given, from standard input ("-", or no words and a pipe, read to its end), or from --file.

Exit codes: 0 completed (or planned, with --dry-run), 1 error, 2 blocked, 3 approved but the change no longer applies to your files (nothing written; the patch is kept), 64 usage error, 130 interrupted (Ctrl-C: the attempt so far is recorded).`
  static override examples = [
    '<%= config.bin %> <%= command.id %> --dry-run "fix the failing test in src/parser.ts"',
    '<%= config.bin %> <%= command.id %> "add a --verbose flag to scripts/build.sh"',
    '<%= config.bin %> <%= command.id %> --dry-run --explain "summarise the open issues"',
    '<%= config.bin %> <%= command.id %> -m deepseek --no-review "list the TypeScript files here"',
    '<%= config.bin %> <%= command.id %> --json "what does src/index.ts export?" | jq .route',
    '<%= config.bin %> <%= command.id %> --no-verify "rename parseArgs to parseArguments"',
    '<%= config.bin %> <%= command.id %> --in-place "tidy the README"',
    'cat spec.md | <%= config.bin %> <%= command.id %> -',
    '<%= config.bin %> <%= command.id %> --file spec.md --workspace ~/code/app',
  ]
  static override strict = false
  /** For the README's exit-code table (test/cli/readme-tables.test.ts). */
  static exitCodes = [EXIT.ok, EXIT.error, EXIT.blocked, EXIT.conflict, EXIT.usage, EXIT.interrupted]
  static override args = {
    task: Args.string({description: 'the task, in words (quote it, or pass the words as they are); "-" or none with a pipe: read it from standard input', ignoreStdin: true}),
  }
  static override flags = {
    file: Flags.string({char: 'f', description: 'Read the task from this file ("-": standard input). For tasks too long for the command line.'}),
    'dry-run': Flags.boolean({description: 'Classify and route only: nothing is executed or recorded. Works without any API key.'}),
    model: Flags.string({char: 'm', description: 'Run this model, skipping routing.'}),
    type: Flags.string({description: 'Override the task type.', options: [...TASK_TYPES]}),
    complexity: Flags.string({description: 'Override the complexity.', options: [...COMPLEXITIES]}),
    review: Flags.boolean({description: 'Have the CTO review each result (--no-review: success = the engine finished).', default: true, allowNo: true}),
    explain: Flags.boolean({description: "Show the plan: each candidate's predicted success and cost, the chosen cascade's expected accuracy and cost, and the evidence behind them."}),
    seed: Flags.integer({description: "Seed the router's random source. The router explores by value of information and draws nothing, so the same store gives the same route without it; kept for scripts that pass it."}),
    cto: Flags.string({description: 'The CTO model for this task (default: config cto_model / CTO_MODEL).'}),
    workspace: Flags.directory({description: 'The folder the task is about (default: tools.workspace, else the git repository you are in, else this folder). Each attempt works in a copy of it.', exists: true}),
    'max-turns': Flags.integer({description: 'Tool-calling turns per attempt (default 25).', min: 1}),
    timeout: Flags.integer({description: 'Seconds per attempt.', min: 1}),
    verify: Flags.boolean({description: "Run the project's tests on each attempt's change (--no-verify: skip).", default: true, allowNo: true}),
    'in-place': Flags.boolean({description: 'Let workers act in your folder directly: no copy, no diff, no verification (as config review.in_place).'}),
  }

  async run(): Promise<TaskCommandResult> {
    const {argv, flags} = await this.parse(Task)
    const {readTaskInput} = await import('../core/cli/task-input.js')
    const input = await readTaskInput({argv: argv as string[], file: flags.file, noun: 'task', usage: 'cto task', warn: (m) => this.note(`Warning: ${m}`)})
    const text = input.text
    // The task's modules load while the config and the plugins are read (start-up).
    const modules = Promise.all([import('../core/task/execute-task.js'), import('../core/task/progress.js')])
    modules.catch(() => {})
    const ctx = await this.loadCtx(flags.cto ? {cto_model: flags.cto} : undefined)
    if (!flags['dry-run']) this.noteBeforeWork(ctx)
    const [{executeTask}, {progressMode}] = await modules
    const {terminalText} = await import('../core/cli/terminal-text.js')
    // Names typed wrong fail here, with the closest name, before anything is asked of a model.
    const model = flags.model === undefined ? undefined : findModel(ctx, flags.model).name
    if (flags.cto) findModel(ctx, flags.cto)
    // On a terminal the answer streams under the progress lines; otherwise (plain progress lines) to stdout as it comes.
    const streamToStdout = progressMode(this.jsonEnabled()) === 'simple'
    let streamedStep = -1
    let lastChar = '\n'
    const onAnswer = (delta: string, step: number) => {
      if (streamedStep >= 0 && step !== streamedStep) process.stdout.write(lastChar === '\n' ? '\n' : '\n\n')
      streamedStep = step
      process.stdout.write(terminalText(delta))
      lastChar = delta.at(-1) ?? lastChar
    }
    // A new turn or a retry of the same attempt starts on a line of its own.
    const onAnswerBreak = (step: number) => {
      if (step !== streamedStep || lastChar === '\n') return
      process.stdout.write('\n')
      lastChar = '\n'
    }
    // A progress line on stderr starts on a line of its own, also where it shares the screen with the answer.
    const onProgressLine = () => {
      if (streamedStep < 0 || lastChar === '\n') return
      process.stdout.write('\n')
      lastChar = '\n'
    }
    const result = await executeTask({
      ctx,
      root: this.config.root,
      task: text,
      dryRun: flags['dry-run'],
      json: this.jsonEnabled(),
      verbose: flags.verbose,
      seed: flags.seed,
      flags: {
        model,
        type: flags.type as TaskResult['classification']['type'] | undefined,
        complexity: flags.complexity as TaskResult['classification']['complexity'] | undefined,
        review: flags.review,
        verify: flags.verify,
        maxTurns: flags['max-turns'],
        timeoutMs: flags.timeout === undefined ? undefined : flags.timeout * 1000,
      },
      workspace: flags.workspace,
      inPlace: flags['in-place'],
      warn: (m) => this.note(`Warning: ${m}`),
      onAnswer: streamToStdout ? onAnswer : undefined,
      onAnswerBreak: streamToStdout ? onAnswerBreak : undefined,
      onProgressLine: streamToStdout ? onProgressLine : undefined,
    })
    if (!this.jsonEnabled()) {
      // The streamed answer, then a blank line, then the summary: as when the answer is printed at the end.
      if (streamedStep >= 0) process.stdout.write(lastChar === '\n' ? '\n' : '\n\n')
      // No blank line ahead of the output; one between the plan and the summary.
      if (flags.explain) this.log(terminalText(`${renderExplain(result)}\n`))
      this.log(terminalText(renderTaskSummary(result, {answerShown: streamedStep >= 0})))
    }
    // Blocked (2), conflict (3) and interrupted (130) still print the whole result: it says what happened.
    const exit =
      result.status === 'blocked' ? EXIT.blocked : result.status === 'conflict' ? EXIT.conflict : result.status === 'cancelled' ? EXIT.interrupted : EXIT.ok
    if (exit !== EXIT.ok) {
      if (this.jsonEnabled()) this.logJson(result)
      this.exit(exit)
    }
    return result
  }
}
