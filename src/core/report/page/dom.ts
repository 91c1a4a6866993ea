/**
 * Building the page's DOM: text only ever goes in as text (task excerpts and model names come
 * from users and plugins), and the number formats every view shares.
 */

type Child = Node | string | null | undefined | false

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v)
  for (const c of children) if (c !== null && c !== undefined && c !== false) node.append(c)
  return node
}

/** A section with a heading, a line saying what it shows, and its content. */
export function section(id: string, title: string, lead: string, ...content: Child[]): HTMLElement {
  return el('section', {id, class: 'card'}, el('h2', {}, title), el('p', {class: 'lead'}, lead), ...content)
}

export const int = (n: number) => Math.round(n).toLocaleString('en-US')
export const pct = (v: number | null) => (v === null ? '–' : `${Math.round(v * 100)}%`)

export function usd(v: number): string {
  if (v === 0) return '$0'
  if (v < 0.01) return `$${v.toFixed(4)}`
  if (v < 100) return `$${v.toFixed(2)}`
  return `$${Math.round(v).toLocaleString('en-US')}`
}

export function tokens(n: number): string {
  const short = (v: number, unit: string) => `${v.toFixed(1).replace(/\.0$/, '')}${unit}`
  if (n >= 1e9) return short(n / 1e9, 'B')
  if (n >= 1e6) return short(n / 1e6, 'M')
  if (n >= 1e3) return short(n / 1e3, 'k')
  return String(Math.round(n))
}

/** HTML-escaped text, for the few places ECharts takes HTML (custom tooltips). */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/** 95% Wilson interval of a success rate: how far the true rate may be from what k of n shows. */
export function wilson(successes: number, n: number): [number, number] {
  if (n === 0) return [0, 1]
  const z = 1.96
  const p = successes / n
  const denom = 1 + (z * z) / n
  const centre = p + (z * z) / (2 * n)
  const half = z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))
  return [Math.max(0, (centre - half) / denom), Math.min(1, (centre + half) / denom)]
}
