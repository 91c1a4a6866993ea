/**
 * The worst recent tasks as a table: outcome, the models tried in order (✗ failed or rejected,
 * ✓ served), cost, the task's first words, and the command that shows its log, with a button that
 * copies it (a page opened from disk cannot run `cto logs` itself).
 */
import type {WorstView} from '../report-types.js'
import {el, int, usd} from './dom.js'

function copyButton(text: string): HTMLButtonElement {
  const button = el('button', {type: 'button', class: 'copy', title: `Copy "${text}"`}, 'copy')
  button.addEventListener('click', () => {
    const done = () => {
      button.textContent = 'copied'
      setTimeout(() => (button.textContent = 'copy'), 1500)
    }
    navigator.clipboard?.writeText(text).then(done, () => selectText(button.previousElementSibling))
  })
  return button
}

function selectText(node: Element | null): void {
  if (!node) return
  const range = document.createRange()
  range.selectNodeContents(node)
  const selection = window.getSelection()
  selection?.removeAllRanges()
  selection?.addRange(range)
}

export function worstTable(view: WorstView): HTMLElement {
  if (view.tasks.length === 0) {
    return el('p', {class: 'empty-view'}, `No blocked or rejected task among the last ${int(view.read)} attempts.`)
  }
  const withUser = view.tasks.some((t) => t.user !== null)
  const head = el('tr', {}, ...['when', 'outcome', 'type', 'attempts', 'cost', ...(withUser ? ['who'] : []), 'task', 'log'].map((h) => el('th', {scope: 'col'}, h)))
  const rows = view.tasks.map((t) =>
    el(
      'tr',
      {'data-task': t.task_id},
      el('td', {class: 'nowrap'}, new Date(t.time).toLocaleString(undefined, {dateStyle: 'medium', timeStyle: 'short'})),
      el('td', {}, el('span', {class: `badge ${t.outcome}`}, t.outcome)),
      el('td', {}, t.type),
      el('td', {class: 'chain'}, ...t.attempts.flatMap((a, i) => [i > 0 ? ' → ' : '', el('span', {class: a.ok ? 'ok' : 'failed', title: [a.error, a.quality === null ? '' : `quality ${a.quality}`].filter(Boolean).join(', ')}, `${a.model} ${a.ok ? '✓' : '✗'}`)])),
      el('td', {class: 'num'}, usd(t.cost_usd)),
      withUser ? el('td', {}, t.user ?? '') : null,
      el('td', {class: 'excerpt'}, t.excerpt),
      el('td', {class: 'nowrap'}, el('code', {}, t.command), ' ', copyButton(t.command)),
    ),
  )
  return el('div', {class: 'table-wrap'}, el('table', {class: 'worst'}, el('thead', {}, head), el('tbody', {}, ...rows)))
}
