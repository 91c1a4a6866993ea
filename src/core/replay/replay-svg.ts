/**
 * `--plot FILE`: a cost-vs-accuracy chart of the replay (hand-written SVG, no dependency).
 * x: total cost in USD (log scale, the models span two orders of magnitude), y: accuracy.
 * Grey dots: the single models, joined by their cost–accuracy frontier (dashed: the best accuracy
 * any single model reaches for its cost); orange triangle: the best fixed cascade chosen on the
 * warm-up rows; blue diamond: random; green square: oracle; red star: the policy.
 */
import type {ReplayReport, ReplaySection} from './replay-types.js'

const W = 900
const H = 480
const M = {left: 70, right: 290, top: 40, bottom: 60}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

function fmtUsd(v: number): string {
  return v >= 1 ? `$${v.toFixed(2)}` : v >= 0.01 ? `$${v.toFixed(3)}` : `$${v.toPrecision(2)}`
}

export function renderReplaySvg(report: ReplayReport, sectionName = 'all'): string {
  const s: ReplaySection = sectionName === 'all' ? report.all : (report.per_file.find((f) => f.name === sectionName) ?? report.all)
  const points = [
    ...s.singles.map((p) => ({...p, kind: 'single' as const})),
    {...s.random, kind: 'random' as const},
    {...s.oracle, kind: 'oracle' as const},
    ...(s.cascade ? [{...s.cascade, name: `fixed ${s.cascade.name}`, kind: 'cascade' as const}] : []),
    {...s.result, name: `cto (${report.policy})`, kind: 'policy' as const},
  ].filter((p) => p.cost_usd > 0)
  const costs = points.map((p) => p.cost_usd)
  const lo = Math.log10(Math.min(...costs, 1) / 1.5)
  const hi = Math.log10(Math.max(...costs, 1e-9) * 1.5)
  const pw = W - M.left - M.right
  const ph = H - M.top - M.bottom
  const x = (c: number) => M.left + ((Math.log10(c) - lo) / (hi - lo || 1)) * pw
  // Accuracy axis from a round 10 % below the lowest point, so the points use the height.
  const aLo = Math.max(0, Math.floor(Math.min(...points.map((p) => p.accuracy)) * 10) / 10 - 0.1)
  const y = (a: number) => M.top + ((1 - a) / (1 - aLo || 1)) * ph
  const out: string[] = []
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`)
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`)
  const review = report.review.kind === 'perfect' ? 'perfect review' : `noisy review p=${report.review.p}`
  out.push(`<text x="${M.left}" y="22" font-size="14" font-weight="bold">${esc(`Cost vs accuracy — ${s.name}, ${s.rows} rows, ${review}`)}</text>`)
  // Grid and axes.
  for (let a = aLo; a <= 1.0001; a += 0.1) {
    out.push(`<line x1="${M.left}" y1="${y(a)}" x2="${M.left + pw}" y2="${y(a)}" stroke="#eee"/>`)
    out.push(`<text x="${M.left - 8}" y="${y(a) + 4}" text-anchor="end">${(a * 100).toFixed(0)}%</text>`)
  }
  for (let e = Math.ceil(lo); e <= Math.floor(hi); e++) {
    for (const m of [1, 2, 5]) {
      const c = m * 10 ** e
      if (Math.log10(c) < lo || Math.log10(c) > hi) continue
      out.push(`<line x1="${x(c)}" y1="${M.top}" x2="${x(c)}" y2="${M.top + ph}" stroke="${m === 1 ? '#ddd' : '#f3f3f3'}"/>`)
      out.push(`<text x="${x(c)}" y="${M.top + ph + 16}" text-anchor="middle">${fmtUsd(c)}</text>`)
    }
  }
  out.push(`<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#444"/>`)
  out.push(`<text x="${M.left + pw / 2}" y="${H - 18}" text-anchor="middle">total cost (USD, log scale)</text>`)
  out.push(`<text x="18" y="${M.top + ph / 2}" text-anchor="middle" transform="rotate(-90 18 ${M.top + ph / 2})">accuracy</text>`)
  // The single models' frontier: each model that no cheaper model beats on accuracy.
  const frontier = points
    .filter((p) => p.kind === 'single')
    .sort((a, b) => a.cost_usd - b.cost_usd)
    .filter((p, i, all) => all.slice(0, i).every((q) => q.accuracy < p.accuracy))
  if (frontier.length > 1) {
    const path = frontier.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.cost_usd).toFixed(1)} ${y(p.accuracy).toFixed(1)}`).join(' ')
    out.push(`<path d="${path}" fill="none" stroke="#999" stroke-dasharray="4 3"><title>single-model frontier</title></path>`)
  }
  // Points.
  const legend: string[] = []
  points.forEach((p, i) => {
    const px = x(p.cost_usd)
    const py = y(p.accuracy)
    const label = `${p.name}: ${(p.accuracy * 100).toFixed(1)}%, ${fmtUsd(p.cost_usd)}`
    if (p.kind === 'policy') out.push(`<path d="M${px} ${py - 9} L${px + 3} ${py - 3} L${px + 9} ${py - 3} L${px + 4} ${py + 2} L${px + 6} ${py + 9} L${px} ${py + 5} L${px - 6} ${py + 9} L${px - 4} ${py + 2} L${px - 9} ${py - 3} L${px - 3} ${py - 3} Z" fill="#d62728"><title>${esc(label)}</title></path>`)
    else if (p.kind === 'oracle') out.push(`<rect x="${px - 5}" y="${py - 5}" width="10" height="10" fill="#2ca02c"><title>${esc(label)}</title></rect>`)
    else if (p.kind === 'cascade') out.push(`<path d="M${px} ${py - 7} L${px + 7} ${py + 5} L${px - 7} ${py + 5} Z" fill="#ff7f0e"><title>${esc(label)}</title></path>`)
    else if (p.kind === 'random') out.push(`<path d="M${px} ${py - 6} L${px + 6} ${py} L${px} ${py + 6} L${px - 6} ${py} Z" fill="#1f77b4"><title>${esc(label)}</title></path>`)
    else out.push(`<circle cx="${px}" cy="${py}" r="4" fill="#888"><title>${esc(label)}</title></circle>`)
    const short = p.kind === 'cascade' ? `cascade ${((p as {models?: string[]}).models ?? []).map((m) => (m.split('/').pop() ?? m).slice(0, 10)).join('→')}` : (p.name.split('/').pop() ?? p.name)
    out.push(`<text x="${px + 7}" y="${py - 5}" font-size="9" fill="#333">${esc(short)}</text>`)
    legend.push(`<text x="${M.left + pw + 12}" y="${M.top + 12 + i * 14}" font-size="10" fill="${p.kind === 'policy' ? '#d62728' : '#333'}">${esc(`${short} ${(p.accuracy * 100).toFixed(1)}% ${fmtUsd(p.cost_usd)}`)}</text>`)
  })
  out.push(...legend)
  out.push('</svg>')
  return `${out.join('\n')}\n`
}
