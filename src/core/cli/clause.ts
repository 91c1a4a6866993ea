/**
 * A message used inside another sentence: "(… (connection refused).: the local heuristic …)" read
 * badly because engine messages are whole sentences ("deepseek: nothing answers at … (connection
 * refused).") and were embedded as they were. A clause drops the full stop at its end (not an
 * ellipsis) and, given a model, the "<model>: " the engines start their messages with, when the
 * sentence around it names the model already.
 */
export function clause(message: string, model?: string): string {
  const text = message.trim()
  const phrase = model !== undefined && text.startsWith(`${model}: `) ? text.slice(model.length + 2) : text
  return phrase.endsWith('...') ? phrase : phrase.replace(/\.$/, '')
}
