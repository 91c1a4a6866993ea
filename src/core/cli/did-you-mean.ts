import {distance} from 'fastest-levenshtein'

/** The closest known name within a small edit distance, for "Did you mean …?" hints. */
export function suggest(input: string, known: string[]): string | undefined {
  let best: {name: string; d: number} | undefined
  for (const name of known) {
    const d = distance(input.toLowerCase(), name.toLowerCase())
    if (!best || d < best.d) best = {name, d}
  }
  if (!best) return undefined
  const limit = Math.max(1, Math.floor(Math.max(input.length, best.name.length) / 3))
  return best.d <= limit || best.name.startsWith(input) ? best.name : undefined
}
