/**
 * The report page: reads the JSON block `cto perf report` wrote into the file and draws the four
 * views (cost per day, the model × task type heatmaps, where tasks go, the worst recent tasks), or
 * the friendly empty page. Bundled with ECharts into dist/report/report-page.js at build time.
 *
 * For tests and scripts: `window.ctoReport` holds the data and the charts once drawn, and
 * `<html data-ready="true">` is set when every chart has finished rendering.
 */
import type {ReportData} from '../report-types.js'
import {whenChartsFinished, type Chart} from './charts.js'
import {costChart} from './cost-chart.js'
import {el, int, section, tokens, usd} from './dom.js'
import {heatmapHeight, QUALITY, qualityChart, SUCCESS} from './quality-chart.js'
import {escalationChart, firstServedChart} from './routes-chart.js'
import {worstTable} from './worst-table.js'

declare global {
  interface Window {
    ctoReport?: {data: ReportData; charts: Record<string, Chart>}
  }
}

const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac', '#2f4b7c', '#a05195']

function colors(data: ReportData): (name: string) => string {
  const map = new Map<string, string>()
  const names = [...data.cost.series.map((s) => s.name), ...data.quality.rows, ...data.routes.first_served.map((f) => f.model), ...data.routes.escalations.flatMap((e) => [e.from, e.to])]
  for (const n of names) if (!map.has(n)) map.set(n, PALETTE[map.size % PALETTE.length])
  return (name) => map.get(name) ?? '#8c959f'
}

function header(data: ReportData): HTMLElement {
  const f = data.filters
  const scope = [
    f.since ? `since ${new Date(f.since).toLocaleString()}` : 'all history',
    f.type ? `task type ${f.type}` : '',
    f.model ? `model ${f.model}` : '',
    f.by === 'user' ? 'cost by member' : '',
  ].filter(Boolean)
  const tile = (label: string, value: string) => el('div', {class: 'tile'}, el('div', {class: 'value'}, value), el('div', {class: 'label'}, label))
  const t = data.totals
  return el(
    'header',
    {},
    el('h1', {}, 'cto performance report'),
    el('p', {class: 'meta'}, `Written ${new Date(data.generated_at).toLocaleString()} from `, el('code', {}, data.store), ` · ${scope.join(' · ')}`),
    data.empty
      ? null
      : el(
          'div',
          {class: 'tiles'},
          tile('attempts', int(t.attempts)),
          tile('cost', usd(t.cost_usd)),
          tile('tokens', tokens(t.tokens)),
          tile(t.first_day === null ? 'days' : `days, ${t.first_day} → ${t.last_day}`, int(data.cost.dates.length)),
        ),
    data.notes.length > 0 ? el('ul', {class: 'notes'}, ...data.notes.map((n) => el('li', {}, n))) : null,
  )
}

function emptyPage(data: ReportData): HTMLElement {
  return section(
    'empty',
    'No attempts recorded yet',
    'This report draws what cto has learned about your models: cost per day, success and quality per task type, where escalations go, and the tasks that went worst. The store is empty so far. It fills as you work:',
    el('ul', {class: 'hints'}, ...data.fill_hints.map((h) => el('li', {}, el('code', {}, h)))),
    el('p', {}, 'Then run ', el('code', {}, 'cto perf report'), ' again.'),
  )
}

function chartHost(id: string, height: number): HTMLDivElement {
  return el('div', {id, class: 'chart', style: `height:${height}px`})
}

function render(data: ReportData): Record<string, Chart> {
  const root = document.getElementById('report') as HTMLElement
  root.append(header(data))
  const charts: Record<string, Chart> = {}
  if (data.empty) {
    root.append(emptyPage(data))
    return charts
  }
  const colorOf = colors(data)

  const costHost = chartHost('chart-cost', 480)
  const budgets = data.cost.groups.map((g) => (g.budget > 0 ? `${g.group} ${tokens(g.budget)}` : `${g.group}: none set`)).join(', ')
  const enforced = data.cost.groups.every((g) => g.enforced) ? '' : ' Budgets are not enforced: cost optimisation is off.'
  root.append(
    section(
      'cost',
      'Cost per day',
      `Stacked by ${data.cost.by === 'user' ? 'member' : 'model'}, in USD. Below: each budget group's tokens per day (all models) as a share of its daily token budget, the dashed line at 100% (${budgets}).${enforced} Drag the slider for other days.`,
      costHost,
    ),
  )
  const cost = costChart(costHost, data.cost, colorOf, data.filters.since !== undefined || data.filters.model !== undefined)
  if (cost) charts.cost = cost

  const q = data.quality
  if (q.rows.length === 0) {
    root.append(section('quality', 'Success and quality by task type', 'No attempts match.'))
  } else {
    const successHost = chartHost('chart-success', heatmapHeight(q))
    const qualityHost = chartHost('chart-quality', heatmapHeight(q))
    root.append(
      section(
        'quality',
        'Success and quality by task type',
        `Success is CTO approval when reviewed, else the engine finishing; quality is the CTO's 1–10 score. n is the number of attempts; cells with fewer than ${q.little_evidence} are faded and dashed ("few"): little evidence.`,
        el('div', {class: 'pair'}, el('div', {}, el('h3', {}, 'Success rate'), successHost), el('div', {}, el('h3', {}, 'Mean quality'), qualityHost)),
      ),
    )
    charts.success = qualityChart(successHost, q, SUCCESS)
    charts.quality = qualityChart(qualityHost, q, QUALITY)
  }

  const r = data.routes
  const escalationHost = chartHost('chart-escalations', Math.max(220, 40 * new Set(r.escalations.flatMap((e) => [e.from, e.to])).size))
  const firstHost = chartHost('chart-first-served', Math.max(140, 40 + 34 * r.first_served.length))
  root.append(
    section(
      'routes',
      'Where tasks go',
      'Left: each escalation, from the model whose attempt failed or was rejected to the model tried next. Right: the share of tasks each model was given first.',
      el(
        'div',
        {class: 'pair'},
        el('div', {}, el('h3', {}, 'Escalations: failed → next'), r.escalations.length === 0 ? el('p', {class: 'empty-view'}, 'No escalations recorded.') : escalationHost),
        el('div', {}, el('h3', {}, 'First served'), r.first_served.length === 0 ? el('p', {class: 'empty-view'}, 'No first attempts recorded.') : firstHost),
      ),
    ),
  )
  if (r.escalations.length > 0) charts.escalations = escalationChart(escalationHost, r, colorOf)
  if (r.first_served.length > 0) charts.first_served = firstServedChart(firstHost, r, colorOf)

  root.append(
    section(
      'worst',
      'Worst recent tasks',
      `Blocked (the last attempt failed or was rejected) or rejected before being served, among the newest ${int(data.worst.read)} attempts; blocked first, then most failed attempts, then cost. Run the command to see a task's log.`,
      worstTable(data.worst),
    ),
  )
  return charts
}

function main(): void {
  const block = document.getElementById('cto-report-data')
  const data = JSON.parse(block?.textContent ?? 'null') as ReportData
  const charts = render(data)
  window.ctoReport = {data, charts}
  whenChartsFinished(() => {
    document.getElementById('report')?.setAttribute('aria-busy', 'false')
    document.documentElement.dataset.ready = 'true'
  })
  const list = Object.values(charts)
  window.addEventListener('resize', () => list.forEach((c) => c.resize()))
}

main()
