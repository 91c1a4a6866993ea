/**
 * The report as one HTML file that opens from disk with no network: the page's style, its
 * script (ECharts and page/, bundled at build time into dist/report/ by scripts/bundle-report.mjs)
 * and the data, all inline. A Content-Security-Policy allows exactly that script (by its sha256)
 * and no connection at all, so neither a task excerpt that looks like HTML nor anything in the
 * page can load or send anything. The data is a JSON block the page reads (`<` escaped, so no
 * text in it can end the block); the page puts text into the DOM as text, never as HTML.
 *
 * Size: the script is ~0.7 MB (the charts used, not all of ECharts); the data follows days ×
 * models (three years of 8 models ≈ 0.1 MB), so a store of 1,000,000 records stays well under 2 MB.
 */
import {createHash} from 'node:crypto'
import {existsSync} from 'node:fs'
import {readFile} from 'node:fs/promises'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {CtoError} from '../errors.js'
import type {ReportData} from './report-types.js'

export interface PageAssets {
  script: string
  style: string
}

const ASSET_NAMES = {script: 'report-page.js', style: 'report-page.css'}

/** dist/report/, found from wherever this module runs (a bundled command chunk, dist/core, or the sources under tsx). */
export function assetDir(from: string = dirname(fileURLToPath(import.meta.url))): string | undefined {
  for (let dir = from, i = 0; i < 8; i++, dir = dirname(dir)) {
    for (const candidate of [join(dir, 'report'), join(dir, 'dist', 'report')]) {
      if (existsSync(join(candidate, ASSET_NAMES.script))) return candidate
    }
    if (dirname(dir) === dir) break
  }
  return undefined
}

export async function loadPageAssets(dir: string | undefined = assetDir()): Promise<PageAssets> {
  if (dir === undefined) {
    throw new CtoError({
      code: 'REPORT_ASSETS_MISSING',
      message: 'The report page (dist/report/report-page.js) is missing from this installation of cto.',
      actions: ['In a clone of cto, run "npm run build"; otherwise reinstall cto.'],
    })
  }
  const [script, style] = await Promise.all([readFile(join(dir, ASSET_NAMES.script), 'utf8'), readFile(join(dir, ASSET_NAMES.style), 'utf8')])
  return {script, style}
}

/** For text and double-quoted attributes. */
const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`)

/** JSON that can sit in a <script> block: no `<` at all, so no `</script>` or `<!--` can appear. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029')
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('base64')

export function renderReportHtml(data: ReportData, assets: PageAssets): string {
  if (/<\/script|<!--/i.test(assets.script)) throw new Error('The report page script contains "</script" or "<!--"; it cannot be inlined (rebuild it).')
  if (/<\/style/i.test(assets.style)) throw new Error('The report page style contains "</style"; it cannot be inlined (rebuild it).')
  const csp = [
    "default-src 'none'",
    `script-src 'sha256-${sha256(assets.script)}'`,
    "style-src 'unsafe-inline'",
    'img-src data: blob:',
    "connect-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ')
  const title = `cto performance report, ${data.generated_at.slice(0, 10)}`
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="generator" content="cto perf report">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${assets.style}</style>`,
    '</head>',
    '<body>',
    '<noscript><p class="noscript">This report draws its charts with JavaScript, which is off. Its data is in the page source, in the block with id "cto-report-data".</p></noscript>',
    '<main id="report" aria-busy="true"></main>',
    `<script type="application/json" id="cto-report-data">${jsonForScript(data)}</script>`,
    `<script>${assets.script}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n')
}
