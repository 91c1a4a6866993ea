// Bundles the `cto perf report` page (src/core/report/page: the page script and the parts of
// Apache ECharts it uses) into dist/report/report-page.js and .css, which the command inlines into
// every report it writes, so a report opens from disk with no network. ECharts is imported
// part by part (echarts/core + 4 chart types + 5 components + the canvas renderer): ~0.7 MB
// minified instead of the full build's 1.1 MB, which leaves room for the data under the 2 MB budget.
import {build} from 'esbuild'
import {mkdir, readFile} from 'node:fs/promises'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const page = join(root, 'src', 'core', 'report', 'page')
const out = join(root, 'dist', 'report')
await mkdir(out, {recursive: true})
// The licences travel with the code, since every report file redistributes it: ECharts' NOTICE
// (Apache-2.0) and zrender's BSD-3-Clause text, once, instead of a header per source file.
const notice = (await readFile(join(root, 'node_modules', 'echarts', 'NOTICE'), 'utf8')).trim()
const zrender = (await readFile(join(root, 'node_modules', 'zrender', 'LICENSE'), 'utf8')).trim()
const echartsVersion = JSON.parse(await readFile(join(root, 'node_modules', 'echarts', 'package.json'), 'utf8')).version
const uncomment = (text) => text.replace(/\*\//g, '* /')
const banner = `/*! cto perf report page. Includes Apache ECharts ${echartsVersion}, Apache License 2.0 (https://www.apache.org/licenses/LICENSE-2.0):\n${uncomment(notice)}\n\nand zrender:\n${uncomment(zrender)} */`
await build({
  entryPoints: [join(page, 'main.ts')],
  outfile: join(out, 'report-page.js'),
  bundle: true,
  minify: true,
  format: 'iife',
  platform: 'browser',
  target: ['chrome100', 'firefox100', 'safari15'],
  legalComments: 'none',
  banner: {js: banner},
  logLevel: 'warning',
})
await build({entryPoints: [join(page, 'report.css')], outfile: join(out, 'report-page.css'), minify: true, logLevel: 'warning'})
const script = await readFile(join(out, 'report-page.js'), 'utf8')
// The script is inlined in a <script> element: these sequences would end or confuse it.
if (/<\/script|<!--/i.test(script)) throw new Error('dist/report/report-page.js contains "</script" or "<!--"; it cannot be inlined.')
console.log(`dist/report/report-page.js bundled (${(script.length / 1024).toFixed(0)} KiB)`)
