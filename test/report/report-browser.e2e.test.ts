/**
 * `cto perf report` in a real browser: Debian's Chromium, headless, loads the file the built CLI
 * wrote, from disk and offline. For a known store every chart must be drawn with the series and
 * cells that store implies (counted from the raw attempts, fixtures/expected.ts), checked on the
 * chart objects and on the canvas pixels themselves; no console error, no request but the file.
 * Screenshots go to test-results/report/ (the README's comes from here).
 */
import {mkdir} from 'node:fs/promises'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import type {Page} from 'playwright-core'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {openStore} from '../../src/core/store/perf-store.js'
import type {AttemptRecord} from '../../src/core/store/types.js'
import type {PerfReportResult} from '../../src/commands/perf/report.js'
import {chromiumMissing, launchChromium, type Browser} from '../support/chromium.js'
import {makeSandbox, REPO, type Sandbox} from '../support/run-cli.js'
import {expectedFor} from './fixtures/expected.js'
import {sampleAttempts} from './fixtures/sample-attempts.js'

const ARTEFACTS = join(REPO, 'test-results', 'report')

// The page's globals, as the callbacks below use them inside the browser (this file is compiled
// without the DOM library, which would change the Node types of every other test).
interface PageCanvas {
  width: number
  height: number
  clientWidth: number
  getContext(kind: '2d'): {fillStyle: string; fillRect(x: number, y: number, w: number, h: number): void; drawImage(c: PageCanvas, x: number, y: number): void; getImageData(x: number, y: number, w: number, h: number): {data: Uint8ClampedArray}}
}
interface PageChart {
  getOption(): unknown
  getDom(): {querySelectorAll(selector: 'canvas'): Iterable<PageCanvas>}
  getModel(): {getSeriesByIndex(i: number): {subType: string; getData(): {count(): number; getItemLayout(i: number): Record<string, number> | null; getItemVisual(i: number, key: 'style'): {fill?: unknown} | undefined}}}
  convertToPixel(finder: {seriesIndex: number}, value: number[]): number[]
  dispatchAction(action: {type: string; seriesIndex: number; dataIndex: number}): void
}
declare const window: {ctoReport?: {charts: Record<string, PageChart>}; __pwned?: number}
declare const document: {createElement(tag: 'canvas'): PageCanvas; getElementById(id: string): {offsetTop: number} | null}

interface Loaded {
  page: Page
  problems: string[]
  requests: string[]
}

/** Opens a report file; collects console errors, page errors and every request. */
async function load(browser: Browser, file: string): Promise<Loaded> {
  const page = await browser.context.newPage()
  const problems: string[] = []
  const requests: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`)
  })
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
  page.on('request', (r) => requests.push(r.url()))
  await page.goto(pathToFileURL(file).href)
  await page.waitForSelector('html[data-ready="true"]', {state: 'attached', timeout: 30_000})
  return {page, problems, requests}
}

async function fill(sandbox: Sandbox, records: AttemptRecord[]): Promise<void> {
  const store = await openStore({dir: join(sandbox.dataHome, 'cto', 'perf'), onWarning: (m) => process.stderr.write(`store warning: ${m}\n`)})
  await store.recordMany(records)
}

/** Series of each chart as drawn: type, name, number of data items (links for a Sankey). */
function seriesOf(page: Page, chart: string) {
  return page.evaluate((id) => {
    const c = window.ctoReport?.charts[id]
    if (!c) return undefined
    const option = c.getOption() as {series: Array<{type: string; name: string; data?: unknown[]; links?: unknown[]}>}
    return option.series.map((s) => ({type: s.type, name: s.name, data: s.data?.length ?? 0, links: s.links?.length ?? 0}))
  }, chart)
}

/**
 * For each data item of a series, the colour of the canvas pixel at a point of its drawn shape
 * (a bar's centre, a heatmap cell's left part clear of its label, a Sankey node's centre), with
 * the colour ECharts gave the item: proof the shape is on the canvas, not only in the option.
 */
function pixels(page: Page, chart: string, seriesIndex: number) {
  return page.evaluate(
    ({id, seriesIndex}) => {
      const c = window.ctoReport?.charts[id] as PageChart
      // ECharts draws on several layered canvases (heatmaps on an incremental layer): what the
      // user sees is all of them, in DOM order, so they are composited before reading a pixel.
      const layers = [...c.getDom().querySelectorAll('canvas')]
      const canvas = document.createElement('canvas')
      canvas.width = layers[0].width
      canvas.height = layers[0].height
      const ctx = canvas.getContext('2d')
      ctx.fillStyle = '#ffffff'
      ctx.fillRect(0, 0, canvas.width, canvas.height)
      for (const layer of layers) ctx.drawImage(layer, 0, 0)
      const scale = canvas.width / layers[0].clientWidth
      const series = c.getModel().getSeriesByIndex(seriesIndex)
      const data = series.getData()
      const out: Array<{rgb: number[]; color: unknown; size: number}> = []
      for (let i = 0; i < data.count(); i++) {
        const l = data.getItemLayout(i)
        let x: number
        let y: number
        let size: number
        if (series.subType === 'heatmap') {
          const opt = c.getOption() as {series: Array<{data: Array<{value: number[]}>}>}
          const [col, row] = opt.series[seriesIndex].data[i].value
          const [cx, cy] = c.convertToPixel({seriesIndex}, [col, row])
          const [nx] = c.convertToPixel({seriesIndex}, [col + 1, row])
          x = cx - (nx - cx) * 0.4
          y = cy
          size = nx - cx
        } else if (series.subType === 'sankey') {
          x = l!.x + l!.dx / 2
          y = l!.y + l!.dy / 2
          size = Math.min(l!.dx, l!.dy)
        } else {
          x = l!.x + l!.width / 2
          y = l!.y + l!.height / 2
          size = Math.min(Math.abs(l!.width), Math.abs(l!.height))
        }
        const p = ctx.getImageData(Math.round(x * scale), Math.round(y * scale), 1, 1).data
        out.push({rgb: [p[0], p[1], p[2]], color: data.getItemVisual(i, 'style')?.fill, size})
      }
      return out
    },
    {id: chart, seriesIndex},
  )
}

const hex = (rgb: number[]) => `#${rgb.map((v) => v.toString(16).padStart(2, '0')).join('')}`
const saturation = (rgb: number[]) => Math.max(...rgb) - Math.min(...rgb)

describe.skipIf(chromiumMissing !== undefined)(`cto perf report in Chromium${chromiumMissing ? ` (${chromiumMissing})` : ''}`, () => {
  let browser: Browser
  beforeAll(async () => {
    await mkdir(ARTEFACTS, {recursive: true})
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
  })

  it('a known store: every chart drawn with the series and cells it implies, no console error, no request but the file', async () => {
    const sandbox = await makeSandbox()
    try {
      const records = sampleAttempts()
      const want = expectedFor(records)
      await fill(sandbox, records)
      const file = join(sandbox.home, 'out', 'report.html')
      const result = await sandbox.json<PerfReportResult>(['perf', 'report', '--out', file])
      expect(result).toMatchObject({file, opened: false, holds: {empty: false, attempts: records.length, days: want.days.length}})

      const {page, problems, requests} = await load(browser, file)
      await page.screenshot({path: join(ARTEFACTS, 'perf-report.png'), fullPage: true})
      // The README's picture (docs/perf-report.png): the charts, down to the worst-tasks table.
      const top = await page.evaluate(() => (document.getElementById('worst') as {offsetTop: number}).offsetTop)
      await page.screenshot({path: join(ARTEFACTS, 'perf-report-charts.png'), clip: {x: 0, y: 0, width: 1280, height: top}, fullPage: true})
      expect(problems).toEqual([])
      expect(requests).toEqual([pathToFileURL(file).href])
      expect(await page.evaluate(() => Object.keys(window.ctoReport?.charts ?? {}).sort())).toEqual(['cost', 'escalations', 'first_served', 'quality', 'success'])

      // Cost per day: a stacked bar series per model over every day, then tokens and budget per group.
      const cost = await seriesOf(page, 'cost')
      expect(cost?.map((s) => s.type)).toEqual([...want.models.map(() => 'bar'), 'bar', 'bar', 'line', 'line'])
      expect(cost?.slice(0, want.models.length).map((s) => s.name).sort()).toEqual(want.models)
      expect(cost?.every((s) => s.data === want.days.length)).toBe(true)
      expect(cost?.slice(-4).map((s) => s.name)).toEqual(['claude tokens', 'external tokens', 'claude budget: 100k', 'external budget: 1M'])
      // Each model's tallest bar is on the canvas in that model's colour.
      for (let i = 0; i < want.models.length; i++) {
        const drawn = (await pixels(page, 'cost', i)).sort((a, b) => b.size - a.size)[0]
        expect(drawn.size).toBeGreaterThan(2)
        expect(hex(drawn.rgb), cost?.[i].name).toBe(String(drawn.color).toLowerCase())
      }

      // Heatmaps: a cell per model × task type with attempts (quality: those with reviews), coloured, where the axes put it.
      const cells = [...want.cells.values()]
      expect((await seriesOf(page, 'success'))?.map((s) => [s.type, s.data])).toEqual([['heatmap', want.cells.size]])
      expect((await seriesOf(page, 'quality'))?.map((s) => [s.type, s.data])).toEqual([['heatmap', cells.filter((c) => c.qn > 0).length]])
      for (const chart of ['success', 'quality']) {
        const drawn = await pixels(page, chart, 0)
        expect(drawn.length).toBeGreaterThan(0)
        for (const d of drawn) expect(saturation(d.rgb), `${chart} cell ${hex(d.rgb)}`).toBeGreaterThan(25)
      }
      // Cells with few attempts are marked: faded, dashed, labelled "few".
      const few = await page.evaluate(() => {
        const o = window.ctoReport?.charts.success.getOption() as {series: Array<{data: Array<{itemStyle?: {borderType?: string; opacity?: number}}>}>}
        return o.series[0].data.filter((d) => d.itemStyle?.borderType === 'dashed' && (d.itemStyle.opacity ?? 1) < 1).length
      })
      expect(few).toBe(cells.filter((c) => c.attempts < 10).length)
      expect(few).toBeGreaterThan(0)

      // Escalations: one Sankey link per failed → next pair, a node per side; first served: a bar per model.
      const esc = await seriesOf(page, 'escalations')
      expect(esc?.map((s) => [s.type, s.links])).toEqual([['sankey', want.escalations.size]])
      const sides = new Set([...want.escalations.keys()].flatMap((k) => [`failed: ${k.split('|')[0]}`, `next: ${k.split('|')[1]}`]))
      expect(esc?.[0].data).toBe(sides.size)
      for (const node of await pixels(page, 'escalations', 0)) expect(hex(node.rgb)).toBe(String(node.color).toLowerCase())
      expect((await seriesOf(page, 'first_served'))?.map((s) => [s.type, s.data])).toEqual([['bar', want.firstServed.size]])
      for (const bar of await pixels(page, 'first_served', 0)) expect(hex(bar.rgb)).toBe(String(bar.color).toLowerCase())

      // Worst recent tasks: blocked first, each row with its log command.
      const rows = await page.$$eval('table.worst tbody tr', (trs) => trs.map((tr) => ({task: tr.getAttribute('data-task'), outcome: tr.querySelector('.badge')?.textContent, command: tr.querySelector('code')?.textContent})))
      expect(rows).toHaveLength(Math.min(20, want.bad.size))
      for (const r of rows) {
        expect(want.bad.get(String(r.task))).toBe(r.outcome)
        expect(r.command).toBe(`cto logs --task ${r.task}`)
      }
      expect(rows[0].outcome).toBe('blocked')
      expect(await page.textContent('.tiles')).toContain(records.length.toLocaleString('en-US'))
      await page.close()
    } finally {
      await sandbox.cleanup()
    }
  })

  it('an empty store: a friendly page saying how to fill it, no chart, no error', async () => {
    const sandbox = await makeSandbox()
    try {
      const file = join(sandbox.home, 'empty.html')
      const result = await sandbox.json<PerfReportResult>(['perf', 'report', '--out', file])
      expect(result.holds.empty).toBe(true)
      const {page, problems, requests} = await load(browser, file)
      await page.screenshot({path: join(ARTEFACTS, 'perf-report-empty.png'), fullPage: true})
      expect(problems).toEqual([])
      expect(requests).toHaveLength(1)
      expect(await page.textContent('#empty h2')).toBe('No attempts recorded yet')
      const hints = await page.$$eval('#empty .hints code', (cs) => cs.map((c) => c.textContent))
      expect(hints.some((h) => h?.startsWith('cto task '))).toBe(true)
      expect(hints.some((h) => h?.startsWith('cto perf import '))).toBe(true)
      expect(await page.evaluate(() => Object.keys(window.ctoReport?.charts ?? {}))).toEqual([])
      expect(await page.locator('canvas').count()).toBe(0)
      await page.close()
    } finally {
      await sandbox.cleanup()
    }
  })

  it('task excerpts and model names that look like HTML stay text: nothing runs, even in tooltips', async () => {
    const sandbox = await makeSandbox()
    try {
      const evil = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'
      const records = sampleAttempts({days: 3}).map((r, i) => ({
        ...r,
        model: r.model === 'deepseek' ? '<img src=x onerror=window.__pwned=3>' : r.model,
        task_excerpt: i % 2 ? `</script><script>window.__pwned=4</script>${evil}`.slice(0, 200) : r.task_excerpt,
      }))
      await fill(sandbox, records)
      const file = join(sandbox.home, 'evil.html')
      expect((await sandbox.run(['perf', 'report', '--out', file])).code).toBe(0)
      const {page, problems, requests} = await load(browser, file)
      // Show every chart's tooltip for its first items: the custom formatters build HTML.
      await page.evaluate(() => {
        for (const chart of Object.values(window.ctoReport?.charts ?? {})) {
          for (let i = 0; i < 3; i++) chart.dispatchAction({type: 'showTip', seriesIndex: 0, dataIndex: i})
        }
      })
      await page.waitForTimeout(300)
      expect(await page.evaluate(() => window.__pwned)).toBeUndefined()
      expect(await page.locator('img').count()).toBe(0)
      expect(await page.locator('table.worst').textContent()).toContain('</script><script>window.__pwned=4</script>')
      expect(problems).toEqual([])
      expect(requests).toHaveLength(1)
      await page.close()
    } finally {
      await sandbox.cleanup()
    }
  })
})
