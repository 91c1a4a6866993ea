import {Args, Flags} from '@oclif/core'
import {CtoCommand} from '../../core/cli/base-command.js'
import {CtoError} from '../../core/errors.js'
import type {ReplayReport} from '../../core/replay/replay-types.js'

export default class BenchReplay extends CtoCommand {
  static override summary = "Measure the router on RouterBench's recorded per-prompt outcomes and costs."
  static override description = `Each row's prompt is routed by the real router (the phase-2 rules, the learned cascade plan, escalation, a performance store in a fresh temp folder), learning row by row. A worker's "answer" is that model's recorded score on the row; the review is perfect (approve when correct) or noisy (the verdict flips with probability p); a rejection escalates, blocked after 3 attempts (counted wrong). Every call's recorded cost counts. No network is used.

--warmup files are replayed first into the same store (learning, not scored); only the files before it are scored. With --cold they are not replayed, and only choose the fixed cascade. Put --warmup after the test files (it takes every file that follows it).

The CTO's own calls — one classification per row, one review per answer — are priced at the --cto model's rate and reported apart (cto_cost_usd) from the workers' cost (cost_usd). Tokens are estimated from the real prompts' lengths (4 characters a token; a worker's answer, which RouterBench does not keep, counts 200 tokens); the rate is the model's recorded cost per estimated token. The default CTO is the cheapest model at least as accurate as the median model, as cto's own default CTO is a cheap model that is good at the work.

Reports accuracy, total cost, calls per model and escalations, and on the same rows each single model, the best fixed cascade chosen on the warm-up rows, a random model and the oracle (cheapest correct model).`
  static override examples = [
    '<%= config.bin %> <%= command.id %> ../shared/data/routerbench/mbpp_train.csv',
    '<%= config.bin %> <%= command.id %> ../shared/data/routerbench/*.csv --review noisy:0.1 --seed 3 --plot replay.svg',
    '<%= config.bin %> <%= command.id %> data/*.csv --holdout 0.3 --json | jq .all.result',
    '<%= config.bin %> <%= command.id %> data/arc.csv --policy always:gpt-4-1106-preview',
    '<%= config.bin %> <%= command.id %> data/*_test.csv --warmup data/*_train.csv --json | jq .all.result',
    '<%= config.bin %> <%= command.id %> data/*_test.csv --cold --review noisy:0.1 --cto gpt-3.5-turbo-1106 --warmup data/*_train.csv',
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
    plot: Flags.string({description: 'Write a cost-vs-accuracy chart (SVG): the frontier of the single models, the fixed cascade, the oracle and the router.'}),
    warmup: Flags.file({description: 'RouterBench CSV file(s) replayed first into the same store, not scored (takes every file after it).', multiple: true, exists: true}),
    cold: Flags.boolean({description: 'Start from an empty store: the warm-up rows only choose the fixed cascade.'}),
    cto: Flags.string({description: "The CTO model whose classifications and reviews are priced (a model of the files; default: the cheapest at least as accurate as the median model)."}),
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
    const {report, text} = await runBenchReplay({
      files,
      warmup: flags.warmup ?? [],
      cold: flags.cold,
      cto: flags.cto,
      policy: flags.policy,
      review: flags.review,
      types: flags.types as 'eval_name' | 'heuristic',
      shuffle: flags.shuffle,
      seed: flags.seed,
      holdout,
      store: flags.store as 'disk' | 'memory' | 'postgres',
      plot: flags.plot,
    })
    if (!this.jsonEnabled()) this.log(text)
    return report
  }
}
