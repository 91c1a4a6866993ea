import {distance} from 'fastest-levenshtein'

/**
 * The closest known name within a small edit distance, for "Did you mean …?" hints. Up to two
 * edits for names of four letters or more (a swapped pair, `modle` → `model`, is two), one for
 * shorter ones; a known name that starts with the input always counts, and wins a tie; when nothing
 * is that close, the shortest name that starts with the input (two letters or more).
 */
export function suggest(input: string, known: readonly string[]): string | undefined {
  const typed = input.toLowerCase()
  let best: {name: string; d: number; prefix: boolean} | undefined
  for (const name of known) {
    const lower = name.toLowerCase()
    const d = distance(typed, lower)
    const prefix = typed.length > 0 && lower.startsWith(typed)
    if (!best || d < best.d || (d === best.d && prefix && !best.prefix)) best = {name, d, prefix}
  }
  if (!best) return undefined
  const limit = typed.length <= 3 ? 1 : Math.max(2, Math.floor(Math.max(typed.length, best.name.length) / 3))
  if (best.d <= limit || best.prefix) return best.name
  // Nothing within a few edits, but names that start with the input (the beginning of a long one:
  // "qwen" for "qwen2.5-coder:7b", where "opus" was nearer by edits): the shortest of them.
  if (typed.length < 2) return undefined
  return known.filter((n) => n.toLowerCase().startsWith(typed)).sort((a, b) => a.length - b.length || a.localeCompare(b))[0]
}
