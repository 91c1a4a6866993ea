/**
 * Where tasks go: a Sankey of escalations (the model whose attempt failed on the left, the model
 * tried next on the right, band width = count; a model retried on itself shows on both sides),
 * and a bar per model of its share of the tasks it was given first.
 */
import type {RoutesView} from '../report-types.js'
import {drawChart, type Chart} from './charts.js'
import {escapeHtml, int, pct} from './dom.js'

// Node ids keep the two sides apart, so deepseek → deepseek (a retry) is no cycle.
const FROM = 'failed: '
const TO = 'next: '
const bare = (id: string) => (id.startsWith(FROM) ? id.slice(FROM.length) : id.slice(TO.length))

export function escalationChart(host: HTMLElement, view: RoutesView, colorOf: (name: string) => string): Chart {
  const ids = new Set<string>()
  for (const e of view.escalations) ids.add(FROM + e.from).add(TO + e.to)
  return drawChart(host, {
    tooltip: {
      formatter: (p: {dataType: string; data: {source?: string; target?: string; value?: number; name?: string}; value: number}) =>
        p.dataType === 'edge'
          ? `${escapeHtml(bare(p.data.source ?? ''))} failed → ${escapeHtml(bare(p.data.target ?? ''))} next: <b>${int(p.data.value ?? 0)}</b>`
          : `${escapeHtml(p.data.name ?? '')}: ${int(p.value)}`,
    },
    series: [
      {
        type: 'sankey',
        name: 'escalations',
        left: 8,
        right: 120,
        top: 8,
        bottom: 8,
        nodeGap: 12,
        nodeAlign: 'justify',
        data: [...ids].map((id) => ({name: id, itemStyle: {color: colorOf(bare(id))}})),
        links: view.escalations.map((e) => ({source: FROM + e.from, target: TO + e.to, value: e.count})),
        label: {formatter: (p: {name: string}) => bare(p.name)},
        lineStyle: {color: 'gradient', opacity: 0.45},
        emphasis: {focus: 'adjacency'},
      },
    ],
  })
}

export function firstServedChart(host: HTMLElement, view: RoutesView, colorOf: (name: string) => string): Chart {
  const rows = view.first_served
  return drawChart(host, {
    tooltip: {formatter: (p: {dataIndex: number}) => `${escapeHtml(rows[p.dataIndex].model)}: first for ${int(rows[p.dataIndex].tasks)} tasks (${pct(rows[p.dataIndex].share)})`},
    grid: {left: 8, right: 120, top: 8, bottom: 8, containLabel: true},
    xAxis: {type: 'value', max: 1, axisLabel: {formatter: (v: number) => pct(v)}},
    yAxis: {type: 'category', data: rows.map((r) => r.model), inverse: true, axisLabel: {interval: 0}},
    series: [
      {
        type: 'bar',
        name: 'first served',
        data: rows.map((r) => ({value: r.share, itemStyle: {color: colorOf(r.model)}})),
        label: {show: true, position: 'right', formatter: (p: {dataIndex: number}) => `${pct(rows[p.dataIndex].share)} · ${int(rows[p.dataIndex].tasks)} tasks`},
        barMaxWidth: 26,
      },
    ],
  })
}
