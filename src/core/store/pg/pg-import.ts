/**
 * `cto perf import FILE` and `cto store push` on the team store: all or nothing, validated,
 * streamed, counted once per attempt id.
 *
 * Pass 1 is the local store's (store-import.ts validateImport): every record checked against the
 * same schema, every problem named by line, nothing written when any is found. Pass 2 runs in one
 * transaction under the team's write lock: the file is read again and inserted in batches of
 * 2,000 rows (one jsonb parameter each; `ON CONFLICT (id) DO NOTHING` skips attempts already there
 * or twice in the file), the file's sha256 is checked unchanged, the rollups are rebuilt from the
 * records in one set-based pass (pg-rollups.ts), and only then is it committed. Anything failing
 * before the commit leaves the database as it was.
 *
 * The rebuild reads every record (~2 s per million here): imports are rare, and while one runs
 * other members' records wait for the lock.
 */
import type {TransactionSql} from 'postgres'
import {CtoError} from '../../errors.js'
import {readImportSource, type ImportItem} from '../import-source.js'
import type {BaselineLine} from '../store-line.js'
import type {AttemptRecord, ImportResult} from '../types.js'
import {WRITE_LOCK} from './migrations.js'
import {attemptRow, baselineRow, type AttemptRow, type BaselineRow} from './pg-rows.js'
import {rebuildRollups} from './pg-rollups.js'
import type {PgPerfStore} from './pg-store.js'

const BATCH = 2000

async function insertAttempts(tx: TransactionSql, rows: AttemptRow[]): Promise<number> {
  if (rows.length === 0) return 0
  const result = await tx`
    INSERT INTO records (id, kind, time, day, task_id, model, task_type, grp, escalation_step, usr, ok, quality, input_tokens, output_tokens, cost_usd, duration_ms, verified, body)
    SELECT r->>'id', 0, (r->>'time')::timestamptz, (r->>'day')::date, r->>'task_id', r->>'model', r->>'task_type', r->>'grp', (r->>'step')::integer, r->>'usr',
      (r->>'ok')::boolean, (r->>'quality')::numeric, (r->>'in')::bigint, (r->>'out')::bigint, (r->>'cost')::numeric, (r->>'dur')::numeric, (r->>'ver')::boolean, r->>'body'
    FROM jsonb_array_elements(${tx.json(rows as never)}) WITH ORDINALITY AS e(r, n) ORDER BY n
    ON CONFLICT (id) DO NOTHING`
  return result.count
}

async function insertBaselines(tx: TransactionSql, rows: BaselineRow[]): Promise<number> {
  if (rows.length === 0) return 0
  const result = await tx`
    INSERT INTO records (id, kind, model, task_type, source_sha, body)
    SELECT r->>'id', 1, r->>'model', r->>'task_type', r->>'source_sha', r->>'body'
    FROM jsonb_array_elements(${tx.json(rows as never)}) WITH ORDINALITY AS e(r, n) ORDER BY n
    ON CONFLICT (id) DO NOTHING`
  return result.count
}

export async function importIntoPg(store: PgPerfStore, file: string, importedAt: string): Promise<ImportResult> {
  const {validateImportFile} = await import('../store-import.js')
  const {shapeAttempt, shapeBaseline} = await import('../attempt-schema.js')
  const v = await validateImportFile(file, importedAt)
  const result: ImportResult = {file, format: v.info.format, attempts_added: 0, duplicates_skipped: 0, baselines_added: 0, already_imported: false, notes: [...v.notes]}
  try {
    await store.ensureSchema()
    await store.connection.sql.begin(async (tx) => {
      await tx.unsafe(`SELECT ${WRITE_LOCK}`)
      const imported = new Set((await tx<Array<{s: string}>>`SELECT DISTINCT source_sha AS s FROM records WHERE kind = 1`).map((r) => r.s))
      const addBaselines = async (lines: BaselineLine[]) => {
        const fresh = lines.filter((b) => {
          if (!imported.has(b.source_sha256)) return true
          result.already_imported = true
          return false
        })
        result.baselines_added += await insertBaselines(tx, fresh.map((b) => baselineRow(b)))
      }
      if (v.legacy) {
        await addBaselines(v.legacy.map((b) => shapeBaseline(b)))
      } else {
        let attempts: AttemptRow[] = []
        let baselines: BaselineLine[] = []
        const flush = async () => {
          const added = await insertAttempts(tx, attempts)
          result.attempts_added += added
          result.duplicates_skipped += attempts.length - added
          attempts = []
          await addBaselines(baselines)
          baselines = []
        }
        const again = await readImportSource(file, async (items: ImportItem[]) => {
          for (const item of items) {
            if (item.kind === 'baseline') baselines.push(shapeBaseline(item.value as BaselineLine))
            else attempts.push(attemptRow(shapeAttempt(item.value as AttemptRecord)))
          }
          if (attempts.length >= BATCH) await flush()
        })
        await flush()
        if (again.sha256 !== v.info.sha256) {
          throw new CtoError({
            code: 'PERF_IMPORT_CHANGED',
            message: `${file} changed while it was being imported; nothing was imported.`,
            actions: ['Import it again once nothing is writing to it.'],
          })
        }
      }
      if (result.attempts_added + result.baselines_added > 0) await rebuildRollups(tx)
    })
  } catch (error) {
    throw store.fail(error, 'import')
  }
  if (result.already_imported) result.notes.push(`${file} was imported before (same content); its totals were not added again.`)
  await store.refresh()
  return result
}
