/**
 * The ECharts parts the report uses, registered once: tree-shaken by esbuild to ~0.7 MB instead
 * of the full 1.1 MB build. The only file of the page that imports echarts.
 */
import {use, init, type EChartsType, type EChartsCoreOption} from 'echarts/core'
import {BarChart, HeatmapChart, LineChart, SankeyChart} from 'echarts/charts'
import {DataZoomComponent, GridComponent, LegendComponent, TooltipComponent, VisualMapComponent} from 'echarts/components'
import {CanvasRenderer} from 'echarts/renderers'

use([BarChart, HeatmapChart, LineChart, SankeyChart, DataZoomComponent, GridComponent, LegendComponent, TooltipComponent, VisualMapComponent, CanvasRenderer])

export type Chart = EChartsType
export type ChartOption = EChartsCoreOption

const unfinished = new Set<Chart>()
let onAllFinished: (() => void) | undefined

/**
 * A chart in `host`, drawn without animation (a report is read, not watched; 9,000 bars animate
 * slowly). ECharts may finish rendering inside setOption, so the listener goes on first.
 */
export function drawChart(host: HTMLElement, option: ChartOption): Chart {
  const chart = init(host, undefined, {renderer: 'canvas'})
  unfinished.add(chart)
  const finished = () => {
    chart.off('finished', finished)
    unfinished.delete(chart)
    if (unfinished.size === 0) onAllFinished?.()
  }
  chart.on('finished', finished)
  chart.setOption({animation: false, textStyle: {fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif'}, ...option})
  return chart
}

/** Calls `fn` once every chart drawn so far has finished rendering (at once when all have). */
export function whenChartsFinished(fn: () => void): void {
  if (unfinished.size === 0) fn()
  else onAllFinished = fn
}
