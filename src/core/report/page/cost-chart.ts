/**
 * Cost per day, stacked by model (or member), above each budget group's tokens per day as a share
 * of its daily budget, with the budget as a dashed line at 100%: budgets are token caps
 * (cost_optimization.token_budget_per_day), so they are drawn against tokens, on the same days,
 * and as shares, so a 100k budget and a 1M one read on one axis. One chart, two grids sharing
 * the zoom: the last 90 days are shown first, the slider reaches back to the first day.
 */
import type {CostView} from '../report-types.js'
import {drawChart, type Chart} from './charts.js'
import {el, escapeHtml, tokens, usd} from './dom.js'

const GROUP_COLORS = {claude: '#c2410c', external: '#1d4ed8'} as const
const FIRST_SHOWN_DAYS = 90

export function costChart(host: HTMLElement, view: CostView, colorOf: (name: string) => string, filtered: boolean): Chart | undefined {
  if (view.dates.length === 0 || view.series.length === 0) {
    const why = filtered ? 'No attempts match --since or --model.' : 'No dated attempts to draw: imported totals (model_performance.json) have no dates. Every "cto task" adds its day.'
    host.replaceWith(el('p', {class: 'empty-view'}, why))
    return undefined
  }
  const n = view.dates.length
  const costSeries = view.series.map((s) => ({
    type: 'bar',
    name: s.name,
    stack: 'cost',
    data: s.cost,
    xAxisIndex: 0,
    yAxisIndex: 0,
    itemStyle: {color: colorOf(s.name)},
    emphasis: {focus: 'series'},
  }))
  // A budget of 0 tokens has no share to draw: that group's bars are left out (the lead line says so).
  const budgeted = view.groups.filter((g) => g.budget > 0)
  const tokenSeries = budgeted.map((g) => ({
    type: 'bar',
    name: `${g.group} tokens`,
    data: g.tokens.map((t) => Math.round((t / g.budget) * 10_000) / 100),
    tokens: g.tokens,
    xAxisIndex: 1,
    yAxisIndex: 1,
    itemStyle: {color: GROUP_COLORS[g.group], opacity: 0.8},
  }))
  // Both budgets are the 100% line: alternate dashes of the two colours show both.
  const budgetSeries = budgeted.map((g, i) => ({
    type: 'line',
    name: `${g.group} budget: ${tokens(g.budget)}${g.enforced ? '' : ' (not enforced)'}`,
    data: view.dates.map(() => 100),
    xAxisIndex: 1,
    yAxisIndex: 1,
    symbol: 'none',
    lineStyle: {type: [8, 8], dashOffset: 8 * i, width: 2, color: GROUP_COLORS[g.group]},
    itemStyle: {color: GROUP_COLORS[g.group]},
    tooltip: {show: false},
  }))
  const nCost = costSeries.length
  const nTokens = tokenSeries.length
  return drawChart(host, {
    legend: {type: 'scroll', top: 0, left: 0, right: 0},
    tooltip: {
      trigger: 'axis',
      axisPointer: {type: 'shadow'},
      // Days with nothing are left out of the tooltip; names are escaped (they come from config and plugins).
      formatter: (params: Array<{axisValue: string; seriesName: string; value: number; color: string; seriesIndex: number; dataIndex: number}>) => {
        const rows = params.filter((p) => p.value > 0 && p.seriesIndex < nCost + nTokens)
        const total = rows.filter((p) => p.seriesIndex < nCost).reduce((a, p) => a + p.value, 0)
        const head = `<b>${escapeHtml(params[0]?.axisValue ?? '')}</b>${total > 0 ? ` · ${usd(total)}` : ''}`
        const line = (p: (typeof rows)[number]) => {
          if (p.seriesIndex < nCost) return `${escapeHtml(p.seriesName)}: ${usd(p.value)}`
          const g = tokenSeries[p.seriesIndex - nCost]
          return `${escapeHtml(p.seriesName)}: ${tokens(g.tokens[p.dataIndex])} (${p.value}% of budget)`
        }
        return [head, ...rows.map((p) => `<span style="color:${p.color}">●</span> ${line(p)}`)].join('<br>')
      },
    },
    axisPointer: {link: [{xAxisIndex: 'all'}]},
    grid: [
      {left: 72, right: 24, top: 56, height: '50%'},
      {left: 72, right: 24, top: '68%', height: '18%'},
    ],
    xAxis: [
      {type: 'category', data: view.dates, gridIndex: 0, axisLabel: {show: false}, axisTick: {show: false}},
      {type: 'category', data: view.dates, gridIndex: 1},
    ],
    yAxis: [
      {type: 'value', gridIndex: 0, name: 'USD per day', nameTextStyle: {align: 'left'}, axisLabel: {formatter: (v: number) => usd(v)}},
      {type: 'value', gridIndex: 1, name: '% of daily token budget', nameTextStyle: {align: 'left'}, min: 0, max: (e: {max: number}) => Math.max(100, Math.ceil(e.max / 50) * 50), splitNumber: 2, axisLabel: {formatter: '{value}%'}},
    ],
    dataZoom: [
      {type: 'slider', xAxisIndex: [0, 1], bottom: 8, height: 22, startValue: Math.max(0, n - FIRST_SHOWN_DAYS), endValue: n - 1},
      {type: 'inside', xAxisIndex: [0, 1]},
    ],
    series: [...costSeries, ...tokenSeries, ...budgetSeries],
  })
}
