/**
 * Named points inside a write where the fault tests stop a real `cto` process with SIGSTOP
 * (test/store/faults.test.ts): `CTO_STORE_PAUSE_AT=after-append` makes the process stop itself
 * the first time it reaches that point; the test then lets the lock go stale, runs another
 * writer, and resumes or kills the paused one. Stopping at a named point is what makes "paused
 * between appending and committing" a test that runs the same way every time, instead of a
 * timing lottery. Without the variable this is one property lookup per point.
 *
 * Points: `locked` (lock held, nothing written), `after-append` (line written and fsynced, not
 * committed), `after-link` (the new state linked, newer generations not yet looked for),
 * `after-commit` (committed, not yet returned), `export-snapshot` (an export holds its
 * snapshot and has read nothing yet), `export-written` (an export wrote all of its temp file, not
 * yet renamed into place).
 */
const reached = new Set<string>()

export function faultPoint(name: 'locked' | 'after-append' | 'after-link' | 'after-commit' | 'export-snapshot' | 'export-written'): void {
  const at = process.env.CTO_STORE_PAUSE_AT
  if (!at || reached.has(name) || !at.split(',').includes(name)) return
  reached.add(name)
  process.stderr.write(`cto-store: paused at ${name} (pid ${process.pid})\n`)
  process.kill(process.pid, 'SIGSTOP')
}
