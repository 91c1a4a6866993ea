/**
 * protected-paths.ts's `foldPath` (NFKC, invisible characters removed, lower case), with a fast
 * path: printable ASCII is unchanged by NFKC and holds no invisible character, so lower-casing it
 * is the whole fold. Most paths are ASCII; folding them was a tenth of a 64 KB command's check.
 */
import {foldPath} from './protected-paths.js'

const printableAscii = /^[\x20-\x7e]*$/

export function fold(p: string): string {
  return printableAscii.test(p) ? p.toLowerCase() : foldPath(p)
}
