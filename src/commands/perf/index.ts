import {Flags} from '@oclif/core'
import {CtoCommand} from '../../core/cli/base-command.js'
import {knownModel} from '../../core/cli/known-model.js'
import {sinceFlag} from '../../core/cli/since-flag.js'
import {TASK_TYPES} from '../../core/providers/spec.js'
import type {AnyPerfStore} from '../../core/store/open-perf-store.js'
import type {PerfSummary} from '../../core/store/perf-summary.js'

export type PerfResult = PerfSummary & {warnings: string[]}

export default class Perf extends CtoCommand {
  static override summary = 'Show how each model performed: tasks, success rate, quality, tokens, time, cost, escalations.'
  static override description =
    'Success is CTO approval when the attempt was reviewed, else the engine finishing without error. With CTO_STORE_URL or config store.url set, this is the team’s shared history in PostgreSQL. Without --since the numbers come from running totals (including history imported from model_performance.json); --since reads the recorded attempts of the last segments only. Reading never writes: on a read-only or full disk, or with damage found, it answers from the last consistent state and says when the totals are stale.'
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --model deepseek',
    '<%= config.bin %> <%= command.id %> --type coding --since 7d',
    '<%= config.bin %> <%= command.id %> --by user --since 1d',
    '<%= config.bin %> <%= command.id %> --json | jq ".models[] | {model, success_rate}"',
  ]
  static override flags = {
    model: Flags.string({char: 'm', description: 'One model: by task type, plus its recent attempts.'}),
    type: Flags.string({char: 't', description: 'Only this task type.', options: [...TASK_TYPES]}),
    since: sinceFlag({description: 'Only attempts since a duration ago (30m, 12h, 7d, 2w), a date (2025-01-31) or a time (2025-01-31T09:00).'}),
    recent: Flags.integer({description: 'How many recent attempts to list with --model.', default: 10, min: 0}),
    by: Flags.string({description: 'user: one row per person who ran attempts (CTO_USER or user@host), for a team store; reads the recorded attempts.', options: ['model', 'user'], default: 'model'}),
  }

  async run(): Promise<PerfResult> {
    const {flags} = await this.parse(Perf)
    const {openConfiguredStore} = await import('../../core/store/open-perf-store.js')
    const warnings: string[] = []
    const since = flags.since
    const store = await openConfiguredStore({
      onWarning: (m) => {
        warnings.push(m)
        process.stderr.write(`Warning: ${m}\n`)
      },
    })
    try {
      return await this.show(store, flags, since, warnings)
    } finally {
      await store.close()
    }
  }

  private async show(store: AnyPerfStore, flags: {model?: string; type?: string; recent: number; by: string}, since: Date | undefined, warnings: string[]): Promise<PerfResult> {
    for (const problem of store.health().problems) {
      warnings.push(problem)
      process.stderr.write(`Warning: totals may be stale: ${problem}\n`)
    }
    const model = flags.model === undefined ? undefined : await knownModel(flags.model, store.models(), () => this.loadCtx())
    const summary = await store.summary({model, type: flags.type as (typeof TASK_TYPES)[number] | undefined, since, recent: flags.recent, by: flags.by as 'model' | 'user'})
    if (!this.jsonEnabled()) {
      const {renderPerfSummary} = await import('../../core/store/perf-report.js')
      this.log(renderPerfSummary(summary))
    }
    return {...summary, warnings}
  }
}
