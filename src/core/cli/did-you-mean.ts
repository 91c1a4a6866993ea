import {distance} from 'fastest-levenshtein'

/**
 * The closest known name within a small edit distance, for "Did you mean …?" hints. Up to two
 * edits for names of four letters or more (a swapped pair, `modle` → `model`, is two), one for
 * shorter ones; a known name that starts with the input always counts, and wins a tie.
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
  return best.d <= limit || best.prefix ? best.name : undefined
}
