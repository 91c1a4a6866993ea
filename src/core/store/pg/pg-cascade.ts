/**
 * The router's learned cascade state on the team store (src/core/router/cascade-stats.ts): one
 * document, `cascade` in `documents`, holding the state and `through`, the last record `seq` folded
 * into it. Recording never touches it (records stay one short round trip under the team's write
 * lock); `cto task`, when it opens the store, folds the records after `through` in `seq` order and
 * saves the result if nobody saved a newer one meanwhile.
 *
 * Why `through` can't skip a record: every insert into `records` takes the team's write lock
 * (migrations.ts WRITE_LOCK) and draws its `seq` inside it, so records commit in `seq` order; a
 * reader that sees `seq` n sees every committed record below n.
 *
 * The first catch-up after a large push or import folds all of it once (the bench measures
 * 1,000,000 records); after that a task folds only what the team recorded since the last one.
 * A reset or `cto perf check --repair` deletes the document: the next task learns it again.
 */
import type {Sql} from 'postgres'
import {CtoError} from '../../errors.js'
import {cascadeStateFromJson, cascadeStateToJson, emptyCascadeState, foldCascade, observationFromAttempt, type CascadeState, type CascadeStateJson} from '../../router/cascade-stats.js'
import {parseStoreLine} from '../store-line.js'

export const CASCADE_DOCUMENT = 'cascade'
const BATCH = 5000

interface CascadeDocument {
  state: CascadeStateJson
  /** The last record (seq) folded into the state. */
  through: number
}

/** The saved state folded up to the newest record; saved back when it moved and no one saved a newer one. */
export async function catchUpCascade(sql: Sql, user?: string): Promise<{state: CascadeStateJson | null; folded: number}> {
  // Nothing recorded since the saved state (the common case): one round trip.
  const [quick] = await sql<Array<{body: CascadeDocument | null; newest: string}>>`
    SELECT (SELECT body FROM documents WHERE name = ${CASCADE_DOCUMENT}) AS body, (SELECT coalesce(max(seq), 0) FROM records WHERE kind = 0)::text AS newest`
  if (quick?.body && Number(quick.body.through) >= Number(quick.newest)) {
    try {
      cascadeStateFromJson(quick.body.state)
    } catch (error) {
      throw unreadable(error)
    }
    return {state: quick.body.state, folded: 0}
  }
  let saved: CascadeDocument | undefined
  let state: CascadeState = emptyCascadeState()
  let from = 0
  let through = 0
  let folded = 0
  // One snapshot: the saved state and the records after it.
  await sql.begin('isolation level repeatable read read only', async (tx) => {
    const [row] = await tx<Array<{body: CascadeDocument}>>`SELECT body FROM documents WHERE name = ${CASCADE_DOCUMENT}`
    saved = row?.body
    try {
      if (saved) state = cascadeStateFromJson(saved.state)
    } catch (error) {
      throw unreadable(error)
    }
    from = through = Number(saved?.through ?? 0)
    // Records without `failed_before` (pushed or imported history, older cto): the models of the task's earlier steps.
    const cursor = tx<Array<{seq: string; body: string; prior: string[] | null}>>`
      SELECT r.seq::text AS seq, r.body,
        CASE WHEN r.escalation_step > 0 AND position('"failed_before"' in r.body) = 0 THEN
          (SELECT json_agg(p.model ORDER BY p.escalation_step, p.seq) FROM records p
           WHERE p.kind = 0 AND p.task_id = r.task_id AND p.escalation_step < r.escalation_step)
        END AS prior
      FROM records r WHERE r.kind = 0 AND r.seq > ${from} ORDER BY r.seq`.cursor(BATCH)
    for await (const rows of cursor) {
      for (const r of rows) {
        through = Number(r.seq)
        const line = parseStoreLine(r.body)
        if (!line || 'kind' in line) continue
        foldCascade(state, observationFromAttempt(line, {failed_before: line.failed_before ?? r.prior ?? [], features: line.features ?? []}))
        folded += 1
      }
    }
  })
  if (through === from) return {state: saved ? (saved as CascadeDocument).state : null, folded: 0}
  const json = cascadeStateToJson(state)
  const body: CascadeDocument = {state: json, through}
  // Saved only over the state it started from (or none): a task that folded further meanwhile wins.
  await sql`
    INSERT INTO documents (name, body, updated_at, updated_by) VALUES (${CASCADE_DOCUMENT}, ${sql.json(body as never)}, now(), ${user ?? null})
    ON CONFLICT (name) DO UPDATE SET body = EXCLUDED.body, updated_at = now(), updated_by = EXCLUDED.updated_by
    WHERE (documents.body->>'through')::bigint < ${through}`
  return {state: json, folded}
}

function unreadable(error: unknown): CtoError {
  return new CtoError({
    code: 'PERF_STORE_CASCADE_UNREADABLE',
    message: `The router's learned state in the team store can't be read: ${(error as Error).message}. Nothing was run.`,
    actions: ['Rebuild it from the recorded attempts: cto perf check --repair'],
  })
}
