/**
 * `cto perf export` on the team store: every record in the order recorded, streamed through a
 * cursor inside one read-only repeatable-read transaction (a consistent snapshot whatever others
 * record meanwhile), written like the local store's export (store-export.ts sinks: a file under a
 * temp name renamed into place, or a stream). jsonl writes each record's stored JSON as it is, so
 * an export from either store imports into the other and exports back byte for byte.
 */
import type {Writable} from 'node:stream'
import {fileSink, streamSink} from '../store-export.js'
import type {ExportFormat, ExportResult} from '../types.js'
import type {PgPerfStore} from './pg-store.js'

const FLUSH = 1024 * 1024
const BATCH = 2000

export async function exportPgStore(store: PgPerfStore, format: ExportFormat, out: string | Writable, warn: (m: string) => void): Promise<ExportResult> {
  const result: ExportResult = {format, attempts: 0, baselines: 0, baselines_skipped: 0, unreadable: 0}
  const csv = format === 'csv' ? await import('../attempt-csv.js') : undefined
  const fields = csv ? (await import('../attempt-schema.js')).ATTEMPT_FIELDS : []
  const sink = typeof out === 'string' ? await fileSink(out) : streamSink(out)
  let parts: string[] = csv ? [csv.csvHeader(fields)] : []
  let size = 0
  const flush = async () => {
    if (parts.length === 0) return
    const data = Buffer.from(parts.join(''))
    parts = []
    size = 0
    await sink.write(data)
  }
  try {
    if (store.schemaVersion > 0) {
      await store.connection.sql.begin('isolation level repeatable read read only', async (tx) => {
        const cursor = tx<Array<{kind: number; body: string}>>`SELECT kind, body FROM records ORDER BY seq`.cursor(BATCH)
        for await (const rows of cursor) {
          for (const r of rows) {
            if (r.kind === 1) {
              if (csv) {
                result.baselines_skipped += 1
                continue
              }
              result.baselines += 1
            } else result.attempts += 1
            const text = csv ? csv.csvRow(JSON.parse(r.body), fields) : `${r.body}\n`
            parts.push(text)
            size += text.length
          }
          if (size >= FLUSH) await flush()
        }
      })
    }
    await flush()
    await sink.finish()
  } catch (error) {
    await sink.abort()
    throw store.fail(error, 'export')
  }
  if (typeof out === 'string') result.path = out
  if (result.baselines_skipped > 0) {
    warn(`${result.baselines_skipped} imported totals (from model_performance.json) have no CSV form and were left out; use --format jsonl to keep them.`)
  }
  return result
}
