import {Args, Flags} from '@oclif/core'
import {CtoCommand} from '../core/cli/base-command.js'
import {COMPLEXITIES, TASK_TYPES} from '../core/providers/spec.js'
import type {TaskResult} from '../core/task/task-run.js'
import {renderTaskSummary, renderExplain} from '../core/task/render.js'

export type TaskCommandResult = TaskResult

export default class Task extends CtoCommand {
  static override summary = 'Carry out a task: the CTO model classifies it, the router picks a worker, the CTO reviews, failures escalate.'
  static override description = `Phases: 1. classification by the CTO model (or the local heuristic when it can't be reached); 2. the cost-aware override (routine work to cheaper models, daily token budgets) and a learned cascade plan: the first model and what follows a failure, chosen for expected accuracy per expected cost from what succeeded after which failures; 3. the worker runs on its engine, in its own copy of the project when it can change files; 4. the project's tests run on its change (review.verify, else detected from package.json, Makefile, pytest, Cargo.toml, go.mod); 5. the CTO reviews the diff, the commands and the test result, and a failure escalates from a clean copy — along the fallback chain until the store has evidence, then along the learned plan —, blocked after 3 attempts. Only an approved change reaches your folder, as a patch; rejected changes are kept in the task's folder (paths in --json). Every attempt is recorded (see "cto perf").

Exit codes: 0 completed, 1 error before any attempt, 2 blocked, 3 approved but the change no longer applies to your files (nothing written; the patch is kept).`
  static override examples = [
    '<%= config.bin %> <%= command.id %> --dry-run "fix the failing test in src/parser.ts"',
    '<%= config.bin %> <%= command.id %> "add a --verbose flag to scripts/build.sh"',
    '<%= config.bin %> <%= command.id %> --dry-run --explain --seed 7 "summarise the open issues"',
    '<%= config.bin %> <%= command.id %> -m deepseek --no-review "list the TypeScript files here"',
    '<%= config.bin %> <%= command.id %> --json "what does src/index.ts export?" | jq .route',
    '<%= config.bin %> <%= command.id %> --no-verify "rename parseArgs to parseArguments"',
    '<%= config.bin %> <%= command.id %> --in-place "tidy the README"',
  ]
  static override strict = false
  static override args = {task: Args.string({description: 'the task, in words (quote it, or pass the words as they are)', required: true})}
  static override flags = {
    'dry-run': Flags.boolean({description: 'Classify and route only: nothing is executed or recorded. Works without any API key.'}),
    model: Flags.string({char: 'm', description: 'Run this model, skipping routing.'}),
    type: Flags.string({description: 'Override the task type.', options: [...TASK_TYPES]}),
    complexity: Flags.string({description: 'Override the complexity.', options: [...COMPLEXITIES]}),
    review: Flags.boolean({description: 'Have the CTO review each result (--no-review: success = the engine finished).', default: true, allowNo: true}),
    explain: Flags.boolean({description: "Show the plan: each candidate's predicted success and cost, the chosen cascade's expected accuracy and cost, and the evidence behind them."}),
    seed: Flags.integer({description: 'Seed the weighted choice, so the route is reproducible.'}),
    cto: Flags.string({description: 'The CTO model for this task (default: config cto_model / CTO_MODEL).'}),
    workspace: Flags.directory({description: 'The folder the task is about (default: tools.workspace, else the git repository you are in, else this folder). Each attempt works in a copy of it.', exists: true}),
    'max-turns': Flags.integer({description: 'Tool-calling turns per attempt (default 25).', min: 1}),
    timeout: Flags.integer({description: 'Seconds per attempt.', min: 1}),
    verify: Flags.boolean({description: "Run the project's tests on each attempt's change (--no-verify: skip).", default: true, allowNo: true}),
    'in-place': Flags.boolean({description: 'Let workers act in your folder directly: no copy, no diff, no verification (as config review.in_place).'}),
  }

  /** Exit 2 means "blocked" here, so a usage error (oclif's exit 2) exits 1, like every error before an attempt. */
  protected override async catch(err: Error & {exitCode?: number; oclif?: {exit?: number}; code?: string}): Promise<unknown> {
    if (err.code !== 'EEXIT' && err.oclif?.exit === 2) err.oclif.exit = 1
    return super.catch(err)
  }

  async run(): Promise<TaskCommandResult> {
    const {argv, flags} = await this.parse(Task)
    const text = (argv as string[]).join(' ').trim()
    if (!text) this.error('The task is empty: say what to do, e.g. cto task "fix the failing test".', {exit: 1})
    const {executeTask} = await import('../core/task/execute-task.js')
    const ctx = await this.loadCtx(flags.cto ? {cto_model: flags.cto} : undefined)
    if (!flags['dry-run']) this.noteBeforeWork(ctx)
    const result = await executeTask({
      ctx,
      root: this.config.root,
      task: text,
      dryRun: flags['dry-run'],
      json: this.jsonEnabled(),
      verbose: flags.verbose,
      seed: flags.seed,
      flags: {
        model: flags.model,
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
    })
    if (!this.jsonEnabled()) {
      if (flags.explain || flags['dry-run']) this.log(renderExplain(result, flags.explain))
      this.log(renderTaskSummary(result))
    }
    if (result.status === 'blocked' || result.status === 'conflict') {
      if (this.jsonEnabled()) this.logJson(result)
      this.exit(result.status === 'blocked' ? 2 : 3)
    }
    return result
  }
}
