/**
 * Success rate and mean quality per model × task type: two heatmaps on the same rows and
 * columns, each cell labelled with its value and its number of attempts. A cell resting on fewer
 * than `little_evidence` attempts is drawn faded with a dashed border and says "few": its rate
 * could be far off (the tooltip gives the 95% interval).
 */
import type {QualityCell, QualityView} from '../report-types.js'
import {drawChart, type Chart} from './charts.js'
import {escapeHtml, int, pct, wilson} from './dom.js'

interface Metric {
  name: string
  value: (c: QualityCell) => number | null
  label: (v: number) => string
  min: number
  max: number
}

export const SUCCESS: Metric = {name: 'success rate', value: (c) => c[3], label: (v) => pct(v), min: 0, max: 1}
export const QUALITY: Metric = {name: 'mean quality', value: (c) => c[4], label: (v) => v.toFixed(1), min: 1, max: 10}

export function heatmapHeight(view: QualityView): number {
  return 90 + Math.max(view.rows.length, 1) * 38
}

export function qualityChart(host: HTMLElement, view: QualityView, metric: Metric): Chart {
  const few = (c: QualityCell) => c[2] < view.little_evidence
  const data = view.cells
    .filter((c) => metric.value(c) !== null)
    .map((c) => ({
      value: [c[1], c[0], metric.value(c) as number],
      cell: c,
      ...(few(c) ? {itemStyle: {opacity: 0.45, borderType: 'dashed', borderColor: '#57606a', borderWidth: 1.5}, label: {color: '#1f2328', opacity: 1}} : {}),
    }))
  return drawChart(host, {
    tooltip: {
      formatter: (p: {data: {cell: QualityCell}}) => {
        const c = p.data.cell
        const [lo, hi] = wilson(Math.round((c[3] ?? 0) * c[2]), c[2])
        return [
          `<b>${escapeHtml(view.rows[c[0]])}</b> on <b>${escapeHtml(view.cols[c[1]])}</b>`,
          `success ${pct(c[3])} of ${int(c[2])} attempts (95%: ${pct(lo)}–${pct(hi)})`,
          c[4] === null ? 'no reviewed attempts' : `mean quality ${c[4].toFixed(1)} over ${int(c[5])} reviews`,
          few(c) ? `<i>fewer than ${view.little_evidence} attempts: little evidence</i>` : '',
        ]
          .filter(Boolean)
          .join('<br>')
      },
    },
    grid: {left: 8, right: 8, top: 8, bottom: 56, containLabel: true},
    xAxis: {type: 'category', data: view.cols, splitArea: {show: true}, axisLabel: {interval: 0}},
    yAxis: {type: 'category', data: view.rows, splitArea: {show: true}, inverse: true},
    visualMap: {
      min: metric.min,
      max: metric.max,
      calculable: false,
      orient: 'horizontal',
      left: 'center',
      bottom: 0,
      itemHeight: 160,
      text: [metric.label(metric.max), metric.label(metric.min)],
      inRange: {color: ['#d73027', '#fee08b', '#1a9850']},
    },
    series: [
      {
        type: 'heatmap',
        name: metric.name,
        data,
        label: {
          show: true,
          lineHeight: 15,
          formatter: (p: {data: {cell: QualityCell; value: number[]}}) => `${metric.label(p.data.value[2])}\n${few(p.data.cell) ? 'few: ' : ''}n=${int(p.data.cell[2])}`,
        },
        itemStyle: {borderColor: '#fff', borderWidth: 2},
        emphasis: {itemStyle: {borderColor: '#24292f', borderWidth: 2}},
      },
    ],
  })
}
