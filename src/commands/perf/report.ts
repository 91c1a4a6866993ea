import {Flags} from '@oclif/core'
import {CtoCommand} from '../../core/cli/base-command.js'
import {formatInt} from '../../core/cli/format.js'
import {knownModel} from '../../core/cli/known-model.js'
import {sinceFlag} from '../../core/cli/since-flag.js'
import {TASK_TYPES, type TaskType} from '../../core/providers/spec.js'
import type {ReportBy, ReportHolds} from '../../core/report/report-types.js'

export interface PerfReportResult {
  /** Where the report was written. */
  file: string
  bytes: number
  /** With --open: whether a browser was handed the file, and with what. */
  opened: boolean
  open_error?: string
  /** What the page holds. */
  holds: ReportHolds
  filters: {since?: string; type?: string; model?: string; by: ReportBy}
  notes: string[]
  warnings: string[]
}

export default class PerfReport extends CtoCommand {
  static override summary = 'Write an HTML report with charts: cost per day, success and quality per task type, escalations, worst recent tasks.'
  static override description =
    'One self-contained file (scripts, styles and data inline) that opens from disk with no network. It is built from the running totals and the per-day rollups, never from every raw attempt, so it stays small and quick at millions of records. Budgets come from cost_optimization.token_budget_per_day. Without --out it goes to <data dir>/reports/perf-report.html.'
  static override examples = [
    '<%= config.bin %> <%= command.id %> --open',
    '<%= config.bin %> <%= command.id %> --out report.html --since 30d',
    '<%= config.bin %> <%= command.id %> --type coding --model deepseek',
    '<%= config.bin %> <%= command.id %> --by user   # team store: cost by member',
    '<%= config.bin %> <%= command.id %> --json | jq .file',
  ]
  static override flags = {
    out: Flags.string({char: 'o', description: 'Write the report here (a folder gets perf-report.html). Default: <data dir>/reports/perf-report.html.'}),
    open: Flags.boolean({description: 'Open the report in your browser ($BROWSER, open or xdg-open).'}),
    since: sinceFlag({description: 'Only attempts since a duration ago (30m, 12h, 7d, 2w), a date (2025-01-31) or a time (2025-01-31T09:00).'}),
    model: Flags.string({char: 'm', description: 'One model: its cost, its heatmap row, escalations into and out of it.'}),
    type: Flags.string({char: 't', description: 'Only this task type (the per-day charts stay whole: they are not kept per type).', options: [...TASK_TYPES]}),
    by: Flags.string({description: 'Stack the cost by model, or by member (team store records name who ran them).', options: ['model', 'user'], default: 'model'}),
  }

  async run(): Promise<PerfReportResult> {
    const {flags} = await this.parse(PerfReport)
    const [{openConfiguredStore}, {gatherReport, reportHolds}, {loadPageAssets, renderReportHtml}, {reportPath, writeReport}] = await Promise.all([
      import('../../core/store/open-perf-store.js'),
      import('../../core/report/gather-report.js'),
      import('../../core/report/report-html.js'),
      import('../../core/report/write-report.js'),
    ])
    const since = flags.since
    const warnings: string[] = []
    const warn = (m: string) => {
      warnings.push(m)
      this.note(`Warning: ${m}`)
    }
    // The store opens alongside the rest; a team database's connection is closed whatever happens.
    const opening = openConfiguredStore({onWarning: warn})
    const [ctx, assets, file] = await Promise.all([this.loadCtx(), loadPageAssets(), reportPath(flags.out, process.env, process.cwd())]).catch(async (error: unknown) => {
      await opening.then((s) => s.close()).catch(() => {})
      throw error
    })
    const store = await opening
    let data: Awaited<ReturnType<typeof gatherReport>>
    let bytes: number
    let model: string | undefined
    let models: string[]
    try {
      for (const w of ctx.warnings) warn(w)
      for (const problem of store.health().problems) warn(`totals may be stale: ${problem}`)
      models = store.models()
      model = flags.model === undefined ? undefined : await knownModel(flags.model, models, async () => ctx)
      const budget = ctx.config.cost_optimization
      data = await gatherReport(store, {
        since,
        type: flags.type as TaskType | undefined,
        model,
        by: flags.by as ReportBy,
        budgets: {...budget.token_budget_per_day, enforced: budget.enabled},
        now: new Date(),
      })
      bytes = await writeReport(file, renderReportHtml(data, assets))
    } finally {
      await store.close()
    }

    let opened = false
    let openError: string | undefined
    if (flags.open) {
      const {openInBrowser} = await import('../../core/report/open-report.js')
      const r = await openInBrowser(file)
      opened = r.opened
      openError = r.reason
    }
    const result: PerfReportResult = {
      file,
      bytes,
      opened,
      ...(openError ? {open_error: openError} : {}),
      holds: reportHolds(data),
      filters: data.filters,
      notes: data.notes,
      warnings,
    }
    if (!this.jsonEnabled()) this.log(this.describe(result, flags.open ?? false))
    if (model && !data.empty && !models.includes(model)) {
      this.note(`${model} has no recorded attempts yet. Models with history: ${models.join(', ')}.`)
    }
    return result
  }

  private describe(r: PerfReportResult, askedToOpen: boolean): string {
    const size = r.bytes >= 1e6 ? `${(r.bytes / 1e6).toFixed(2)} MB` : `${Math.ceil(r.bytes / 1024)} KB`
    const h = r.holds
    const what = h.empty
      ? 'The store is empty: the page says how to fill it.'
      : `${formatInt(h.attempts)} attempts, ${h.days} day(s), ${h.series.length} series, ${h.heatmap.cells} heatmap cells, ${h.escalation_pairs} escalation pair(s), ${h.worst_tasks} worst task(s).`
    const lines = [`Wrote ${r.file} (${size}). ${what}`]
    if (askedToOpen) lines.push(r.opened ? 'Opened it in your browser.' : `Could not open a browser (${r.open_error}). Open ${r.file} yourself.`)
    else lines.push(`Open it in a browser, or run again with --open.`)
    return lines.join('\n')
  }
}
