import {Args, Flags} from '@oclif/core'
import {CtoCommand} from '../../core/cli/base-command.js'
import {CtoError} from '../../core/errors.js'
import type {ReplayReport} from '../../core/replay/replay-types.js'

export default class BenchReplay extends CtoCommand {
  static override summary = "Measure the router on RouterBench's recorded per-prompt outcomes and costs."
  static override description = `Each row's prompt is routed by the real router (classification hints, cost-aware weighted selection, escalation, a performance store in a fresh temp folder), learning row by row. A worker's "answer" is that model's recorded score on the row; the review is perfect (approve when correct) or noisy (the verdict flips with probability p); a rejection escalates, blocked after 3 attempts (counted wrong). Every call's recorded cost counts. No network is used.

Reports accuracy, total cost, calls per model and escalations, and on the same rows each single model, a random model and the oracle (cheapest correct model).`
  static override examples = [
    '<%= config.bin %> <%= command.id %> ../shared/data/routerbench/mbpp_train.csv',
    '<%= config.bin %> <%= command.id %> ../shared/data/routerbench/*.csv --review noisy:0.1 --seed 3 --plot replay.svg',
    '<%= config.bin %> <%= command.id %> data/*.csv --holdout 0.3 --json | jq .all.result',
    '<%= config.bin %> <%= command.id %> data/arc.csv --policy always:gpt-4-1106-preview',
  ]
  static override strict = false
  static override args = {file: Args.file({description: 'RouterBench CSV file(s)', required: true, exists: true})}
  static override flags = {
    policy: Flags.string({description: 'cto (the router), always:<model>, random, or oracle.', default: 'cto'}),
    review: Flags.string({description: 'perfect, or noisy:<p> (the verdict flips with probability p).', default: 'perfect'}),
    types: Flags.string({description: "Task type of a row: from its eval_name, or cto's heuristic classifier.", options: ['eval_name', 'heuristic'], default: 'eval_name'}),
    shuffle: Flags.boolean({description: 'Shuffle the rows (seeded) before replaying.'}),
    seed: Flags.integer({description: 'Seed for shuffling, routing draws and review noise.', default: 1}),
    holdout: Flags.string({description: 'Score only the last fraction of each file (e.g. 0.3); the rows before it are replayed first, learning but not scored.'}),
    store: Flags.string({
      description: 'disk: the real performance store in a temp folder (as cto task uses it); postgres: the team database (CTO_STORE_URL / store.url) in a temporary schema, dropped afterwards; memory: the same counting rules in memory, faster.',
      options: ['disk', 'memory', 'postgres'],
      default: 'disk',
    }),
    plot: Flags.string({description: 'Write a cost-vs-accuracy chart (SVG) of the policy against the single models.'}),
  }

  async run(): Promise<ReplayReport> {
    const {argv, flags} = await this.parse(BenchReplay)
    const files = argv as string[]
    if (flags.plot && !flags.plot.toLowerCase().endsWith('.svg')) {
      throw new CtoError({code: 'BAD_PLOT', message: `--plot writes SVG: name the file *.svg (got ${flags.plot}).`, actions: ['Convert it afterwards if you need PNG, e.g. with rsvg-convert.']})
    }
    let holdout: number | undefined
    if (flags.holdout !== undefined) {
      holdout = Number(flags.holdout)
      if (!(holdout > 0 && holdout < 1)) throw new CtoError({code: 'BAD_FLAG', message: `--holdout takes a fraction between 0 and 1 (got ${flags.holdout}).`})
    }
    const {runBenchReplay} = await import('../../core/replay/bench-replay.js')
    const {report, text} = await runBenchReplay({files, policy: flags.policy, review: flags.review, types: flags.types as 'eval_name' | 'heuristic', shuffle: flags.shuffle, seed: flags.seed, holdout, store: flags.store as 'disk' | 'memory' | 'postgres', plot: flags.plot})
    if (!this.jsonEnabled()) this.log(text)
    return report
  }
}
