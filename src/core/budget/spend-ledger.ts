/**
 * Tokens cto spends outside the performance store: the CTO's own calls (classification, reviews,
 * a dry run's classification), attempts cut short by Ctrl-C and attempts that failed on the setup.
 * None of them says how well a model does a task type, so none is a performance record; all of
 * them cost money and count against the daily budgets. One file per local day,
 * `<dataDir>/spend/YYYY-MM-DD.jsonl`, one short line per call appended (O_APPEND: concurrent cto
 * processes don't tear each other's lines); reading today's total reads today's file only.
 */
import {appendFile, mkdir, readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {dataDir} from '../paths.js'
import type {ModelGroup} from '../providers/spec.js'
import type {PerfReader} from '../store/types.js'

export type SpendKind = 'cto' | 'cancelled' | 'unavailable'

export interface SpendEntry {
  time: string
  task_id: string
  kind: SpendKind
  model: string
  group: ModelGroup
  input_tokens: number
  output_tokens: number
  cost_usd: number
}

/** The local calendar date, as the store's daily totals use it. */
export function localDay(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

export class SpendLedger {
  private today: Record<ModelGroup, number> = {claude: 0, external: 0}
  private constructor(
    readonly dir: string,
    private readonly now: () => Date,
  ) {}

  static async open(opts: {env?: NodeJS.ProcessEnv; now?: () => Date} = {}): Promise<SpendLedger> {
    const ledger = new SpendLedger(join(dataDir(opts.env ?? process.env), 'spend'), opts.now ?? (() => new Date()))
    await ledger.refresh()
    return ledger
  }

  fileFor(day: string): string {
    return join(this.dir, `${day}.jsonl`)
  }

  async refresh(): Promise<void> {
    this.today = {claude: 0, external: 0}
    let text = ''
    try {
      text = await readFile(this.fileFor(localDay(this.now())), 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    }
    for (const line of text.split('\n')) {
      if (!line.trim()) continue
      try {
        const e = JSON.parse(line) as SpendEntry
        if (e.group === 'claude' || e.group === 'external') this.today[e.group] += (e.input_tokens || 0) + (e.output_tokens || 0)
      } catch {
        // A line cut short by a crash.
      }
    }
  }

  tokensToday(group: ModelGroup): number {
    return this.today[group]
  }

  async add(entry: Omit<SpendEntry, 'time'>): Promise<void> {
    const tokens = entry.input_tokens + entry.output_tokens
    if (tokens === 0 && entry.cost_usd === 0) return
    const at = this.now()
    this.today[entry.group] += tokens
    await mkdir(this.dir, {recursive: true})
    await appendFile(this.fileFor(localDay(at)), `${JSON.stringify({time: at.toISOString(), ...entry})}\n`, {mode: 0o600})
  }
}

/** The store's reader with today's tokens from the ledger added: what budgets are checked against. */
export function withSpend(perf: PerfReader, ledger: Pick<SpendLedger, 'tokensToday'>): PerfReader {
  return {
    stats: (model, taskType) => perf.stats(model, taskType),
    tokensToday: (group) => perf.tokensToday(group) + ledger.tokensToday(group),
  }
}
