/**
 * `cto perf reset` and `cto perf check [--repair]` on the team store.
 *
 * reset: in one transaction under the write lock, the records are copied to a backup table
 * (`reset_<time>` in cto's schema, unless --no-backup), then records and rollups are emptied.
 * Budget holds of attempts running now stay.
 *
 * check: every record is read back (a cursor in a read-only snapshot), its JSON parsed and
 * compared with its columns (id, kind, model); the rollups are compared with what the records
 * give (pg-rollups.ts). --repair moves unreadable records to the `quarantine` table (kept, not
 * counted) and rebuilds the rollups from the rest.
 */
import {localDate} from '../aggregates.js'
import {cascadeStateFromJson} from '../../router/cascade-stats.js'
import {attemptId, parseStoreLine} from '../store-line.js'
import type {CheckResult, ResetResult} from '../types.js'
import {quoteIdent, WRITE_LOCK} from './migrations.js'
import {compareRollups, rebuildRollups} from './pg-rollups.js'
import type {PgPerfStore} from './pg-store.js'

const stampOf = (d: Date) => `${localDate(d).replaceAll('-', '')}_${d.toISOString().slice(11, 19).replaceAll(':', '')}_${process.pid}`

export async function resetStore(store: PgPerfStore, opts: {backup?: boolean}): Promise<ResetResult> {
  const backup = opts.backup ?? true
  await store.refresh()
  if (store.schemaVersion === 0) return {attempts: 0, baselines: 0}
  const result: ResetResult = {attempts: 0, baselines: 0}
  try {
    await store.connection.sql.begin(async (tx) => {
      await tx.unsafe(`SELECT ${WRITE_LOCK}`)
      const counts = await tx<Array<{name: string; value: number}>>`SELECT name, value::float8 AS value FROM counters`
      result.attempts = counts.find((c) => c.name === 'attempts')?.value ?? 0
      result.baselines = counts.find((c) => c.name === 'baselines')?.value ?? 0
      if (backup && result.attempts + result.baselines > 0) {
        const table = `reset_${stampOf(new Date())}`
        await tx.unsafe(`CREATE TABLE ${quoteIdent(table)} AS SELECT * FROM records ORDER BY seq`)
        result.backup = `table ${store.schema}.${table} in ${store.location}`
      }
      await tx.unsafe('TRUNCATE records, stats, day_models, day_users, day_groups, route_first, route_escalations')
      // The router's learned state goes with the records it was learned from.
      if (store.schemaVersion >= 2) await tx.unsafe(`DELETE FROM documents WHERE name = 'cascade'`)
      await tx.unsafe(`UPDATE counters SET value = 0`)
    })
  } catch (error) {
    throw store.fail(error, 'reset')
  }
  await store.refresh()
  return result
}

export async function checkStore(store: PgPerfStore, opts: {repair?: boolean}): Promise<CheckResult> {
  await store.refresh()
  const result: CheckResult = {ok: true, records: 0, problems: [], repaired: []}
  if (store.schemaVersion === 0) return result
  const damaged: number[] = []
  try {
    await store.connection.sql.begin('isolation level repeatable read read only', async (tx) => {
      const cursor = tx<Array<{seq: string; id: string; kind: number; model: string; body: string}>>`SELECT seq::text AS seq, id, kind, model, body FROM records ORDER BY seq`.cursor(2000)
      for await (const rows of cursor) {
        for (const r of rows) {
          const line = parseStoreLine(r.body)
          let problem: string | undefined
          if (!line) problem = 'its JSON does not parse as a record'
          else if (('kind' in line) !== (r.kind === 1)) problem = `its kind column (${r.kind}) does not match its JSON`
          else if (line.model !== r.model) problem = `its model column (${r.model}) does not match its JSON (${line.model})`
          else if (!('kind' in line) && attemptId(line) !== r.id) problem = `its id column does not match its JSON`
          if (problem) {
            damaged.push(Number(r.seq))
            if (damaged.length <= 5) result.problems.push(`record ${r.seq} (${r.id}): ${problem}`)
          } else result.records += 1
        }
      }
      if (damaged.length > 5) result.problems.push(`… and ${damaged.length - 5} more damaged record(s)`)
      result.problems.push(...(await compareRollups(tx)))
      if (store.schemaVersion >= 2) {
        const [doc] = await tx<Array<{body: {state?: unknown}}>>`SELECT body FROM documents WHERE name = 'cascade'`
        if (doc) {
          try {
            cascadeStateFromJson(doc.body.state as never)
          } catch (error) {
            result.problems.push(`the router's learned state can't be read (${(error as Error).message}); --repair drops it and the next cto task learns it again from the records`)
          }
        }
      }
    })
  } catch (error) {
    throw store.fail(error, 'check')
  }
  result.ok = result.problems.length === 0
  if (!result.ok && opts.repair) {
    try {
      await store.connection.sql.begin(async (tx) => {
        await tx.unsafe(`SELECT ${WRITE_LOCK}`)
        if (damaged.length > 0) {
          await tx.unsafe('CREATE TABLE IF NOT EXISTS quarantine (LIKE records)')
          await tx`INSERT INTO quarantine SELECT * FROM records WHERE seq = ANY(${`{${damaged.join(',')}}`}::bigint[])`
          await tx`DELETE FROM records WHERE seq = ANY(${`{${damaged.join(',')}}`}::bigint[])`
          result.repaired.push(`Moved ${damaged.length} unreadable record(s) to the table ${store.schema}.quarantine; they are no longer counted.`)
        }
        await rebuildRollups(tx)
        // Learned again from the records that remain, by the next cto task (pg-cascade.ts).
        if (store.schemaVersion >= 2) await tx.unsafe(`DELETE FROM documents WHERE name = 'cascade'`)
        result.repaired.push(`Rebuilt the totals from ${result.records} readable record(s).`)
      })
    } catch (error) {
      throw store.fail(error, 'repair')
    }
    await store.refresh()
  }
  return result
}
