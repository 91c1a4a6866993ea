// minimatch for the bundled @oclif/core (scripts/bundle.mjs): the same answers, with each pattern
// compiled once. At every start oclif matches each of cto's dependencies against each core plugin
// name (plugin-loader.js, findMatchingDependencies): 27 × 11 calls of minimatch(name, pattern),
// each of which parsed the pattern again (~7 ms of every command). minimatch(p, pattern) is
// `new Minimatch(pattern).match(p)` after a pattern check and the comment shortcut, which stay.
import * as real from 'minimatch'

export * from 'minimatch'

const compiled = new Map()

export function minimatch(p, pattern, options) {
  if (options !== undefined || typeof pattern !== 'string') return real.minimatch(p, pattern, options)
  let m = compiled.get(pattern)
  if (m === undefined) {
    // Throws for a pattern that is not valid, as minimatch() does, and caches nothing then.
    real.minimatch('', pattern)
    m = pattern.charAt(0) === '#' ? null : new real.Minimatch(pattern)
    compiled.set(pattern, m)
  }
  return m === null ? false : m.match(p)
}
