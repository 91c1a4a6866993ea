/**
 * Ctrl-C (or SIGTERM) during `cto perf export --output FILE`: the process ended at once and left the
 * half-written temp file beside FILE (`.out.jsonl.tmp-12545-b84241bc`, 226 MB of a 400,000-attempt
 * export), hidden and never removed. While an export to a file runs, a signal removes this
 * process's temp files for it (by name: `.FILE.tmp-<this pid>-…`, no other process's), says that
 * nothing was written, and exits 130.
 */
import {readdirSync, rmSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {EXIT} from '../exit-codes.js'
import {tempPrefix} from './store-export.js'

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM']

/** Returns the function that stops watching (call it once the export is done). */
export function discardExportOnInterrupt(target: string, note: (message: string) => void): () => void {
  const handler = (signal: NodeJS.Signals) => {
    const dir = dirname(target)
    const prefix = tempPrefix(target)
    try {
      for (const name of readdirSync(dir)) if (name.startsWith(prefix)) rmSync(join(dir, name), {force: true})
    } catch {
      // The folder went away: nothing of ours is left in it.
    }
    note(`${signal === 'SIGINT' ? 'Ctrl-C' : signal}: export stopped; nothing was written to ${target} (it is written whole or not at all).`)
    process.exit(EXIT.interrupted)
  }
  for (const s of SIGNALS) process.on(s, handler)
  return () => {
    for (const s of SIGNALS) process.off(s, handler)
  }
}
