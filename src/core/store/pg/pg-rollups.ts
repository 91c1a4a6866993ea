/**
 * The rollups (stats, day_models, day_users, day_groups, route_first, route_escalations, counters) computed from the records in one pass of
 * set-based SQL: after a bulk import, after a reset, for `cto perf check` (compare with what is
 * stored) and `--repair` (replace it). The same numbers as record_attempts folds one attempt at a
 * time (migrations.ts): an attempt is escalated when its task has an attempt at the next step;
 * tasks are distinct task ids; sums are exact (numeric), so the order of records doesn't matter.
 */
import type {TransactionSql} from 'postgres'

/** Rows of `stats` from the records: attempts per model and model × task type, plus imported baselines. */
export const STATS_FROM_RECORDS = `
WITH steps AS (SELECT DISTINCT task_id, escalation_step FROM records WHERE kind = 0),
a AS (
  SELECT r.model, r.task_type, r.task_id, r.ok, r.quality, r.input_tokens, r.output_tokens, r.cost_usd, r.duration_ms, r.verified, s.task_id IS NOT NULL AS esc
  FROM records r LEFT JOIN steps s ON s.task_id = r.task_id AND s.escalation_step = r.escalation_step + 1
  WHERE r.kind = 0
),
from_attempts AS (
  SELECT model, coalesce(task_type, '') AS task_type, count(*) AS attempts, count(*) FILTER (WHERE ok) AS successes,
    count(quality) AS quality_count, coalesce(sum(quality), 0) AS quality_sum, sum(input_tokens) AS input_tokens,
    sum(output_tokens) AS output_tokens, sum(cost_usd) AS cost_usd, sum(duration_ms) AS duration_ms,
    count(*) FILTER (WHERE esc) AS escalations, count(DISTINCT task_id) AS tasks,
    count(verified) AS verify_runs, count(*) FILTER (WHERE verified) AS verify_passes
  FROM a GROUP BY GROUPING SETS ((model), (model, task_type))
),
from_baselines AS (
  SELECT model, coalesce(task_type, '') AS task_type, sum((b->>'attempts')::numeric) AS attempts, sum((b->>'successes')::numeric) AS successes,
    sum((b->>'quality_count')::numeric) AS quality_count, sum((b->>'quality_sum')::numeric) AS quality_sum,
    sum((b->>'input_tokens')::numeric) AS input_tokens, sum((b->>'output_tokens')::numeric) AS output_tokens,
    sum((b->>'cost_usd')::numeric) AS cost_usd, sum((b->>'duration_ms')::numeric) AS duration_ms,
    sum((b->>'escalations')::numeric) AS escalations, sum((b->>'tasks')::numeric) AS tasks,
    coalesce(sum((b->>'verify_runs')::numeric), 0) AS verify_runs, coalesce(sum((b->>'verify_passes')::numeric), 0) AS verify_passes
  FROM (SELECT model, task_type, body::jsonb->'stats' AS b FROM records WHERE kind = 1) x GROUP BY 1, 2
)
SELECT model, task_type, sum(attempts)::bigint AS attempts, sum(successes)::bigint AS successes, sum(quality_count)::bigint AS quality_count,
  sum(quality_sum) AS quality_sum, sum(input_tokens)::bigint AS input_tokens, sum(output_tokens)::bigint AS output_tokens,
  sum(cost_usd) AS cost_usd, sum(duration_ms) AS duration_ms, sum(escalations)::bigint AS escalations, sum(tasks)::bigint AS tasks,
  sum(verify_runs)::bigint AS verify_runs, sum(verify_passes)::bigint AS verify_passes
FROM (SELECT * FROM from_attempts UNION ALL SELECT * FROM from_baselines) u
GROUP BY model, task_type`

export const DAY_MODELS_FROM_RECORDS = `
SELECT day, model, count(*)::bigint AS attempts, (count(*) FILTER (WHERE ok))::bigint AS successes, sum(cost_usd) AS cost_usd,
  sum(input_tokens)::bigint AS input_tokens, sum(output_tokens)::bigint AS output_tokens
FROM records WHERE kind = 0 GROUP BY day, model`

export const DAY_USERS_FROM_RECORDS = `
SELECT day, usr, count(*)::bigint AS attempts, (count(*) FILTER (WHERE ok))::bigint AS successes, sum(cost_usd) AS cost_usd,
  sum(input_tokens)::bigint AS input_tokens, sum(output_tokens)::bigint AS output_tokens
FROM records WHERE kind = 0 AND usr IS NOT NULL GROUP BY day, usr`

/** Who is given a task first (where: more conditions on the attempts, e.g. a time). */
export const routeFirstQuery = (where = '') => `
SELECT task_type, model, count(*)::bigint AS n FROM records WHERE kind = 0 AND escalation_step = 0 ${where} GROUP BY task_type, model`

/** Each escalation: from every attempt at step n-1 to the first attempt (by seq) at step n of its task, under that attempt's task type. */
export const routeEscalationsQuery = (where = '') => `
WITH f AS (SELECT seq, task_id, escalation_step, model, task_type FROM records WHERE kind = 0 ${where}),
nxt AS (SELECT DISTINCT ON (task_id, escalation_step) task_id, escalation_step, model, task_type FROM f ORDER BY task_id, escalation_step, seq)
SELECT n.task_type, r.model AS from_model, n.model AS to_model, count(*)::bigint AS n
FROM f r JOIN nxt n ON n.task_id = r.task_id AND n.escalation_step = r.escalation_step + 1
GROUP BY n.task_type, r.model, n.model`

export const DAY_GROUPS_FROM_RECORDS = `
SELECT day, grp, sum(input_tokens + output_tokens)::bigint AS tokens FROM records WHERE kind = 0 GROUP BY day, grp`

export const COUNTERS_FROM_RECORDS = `
SELECT 'attempts'::text AS name, count(*) FILTER (WHERE kind = 0)::bigint AS value FROM records
UNION ALL SELECT 'baselines', count(*) FILTER (WHERE kind = 1)::bigint FROM records`

const TABLES: Array<{table: string; query: string; key: string[]}> = [
  {table: 'stats', query: STATS_FROM_RECORDS, key: ['model', 'task_type']},
  {table: 'day_models', query: DAY_MODELS_FROM_RECORDS, key: ['day', 'model']},
  {table: 'day_users', query: DAY_USERS_FROM_RECORDS, key: ['day', 'usr']},
  {table: 'day_groups', query: DAY_GROUPS_FROM_RECORDS, key: ['day', 'grp']},
  {table: 'route_first', query: routeFirstQuery(), key: ['task_type', 'model']},
  {table: 'route_escalations', query: routeEscalationsQuery(), key: ['task_type', 'from_model', 'to_model']},
  {table: 'counters', query: COUNTERS_FROM_RECORDS, key: ['name']},
]

/** Replace every rollup with what the records say. Call under the write lock, in a transaction. */
export async function rebuildRollups(tx: TransactionSql): Promise<void> {
  for (const t of TABLES) {
    await tx.unsafe(`DELETE FROM ${t.table}`)
    await tx.unsafe(`INSERT INTO ${t.table} SELECT * FROM (${t.query}) q`)
  }
}

/**
 * Where the stored rollups differ from the records: one sentence per differing row (at most
 * `limit`), e.g. `stats deepseek/coding: stored attempts 15, from the records 10`.
 */
export async function compareRollups(tx: TransactionSql, limit = 10): Promise<string[]> {
  const problems: string[] = []
  for (const t of TABLES) {
    const on = t.key.map((k) => `s.${k} = q.${k}`).join(' AND ')
    const rows = await tx.unsafe<Array<{stored: Record<string, unknown> | null; computed: Record<string, unknown> | null}>>(
      `SELECT to_jsonb(s) AS stored, to_jsonb(q) AS computed
       FROM ${t.table} s FULL OUTER JOIN (${t.query}) q ON ${on}
       WHERE to_jsonb(s) IS DISTINCT FROM to_jsonb(q)
       LIMIT ${limit}`,
    )
    for (const {stored, computed} of rows) {
      const row = (stored ?? computed) as Record<string, unknown>
      const name = `${t.table} ${t.key.map((k) => String(row[k]) || "''").join('/')}`
      if (!stored) problems.push(`${name}: missing from the rollups, the records have ${JSON.stringify(computed)}`)
      else if (!computed) {
        if (t.table !== 'counters') {
          // A row of zeroes is the same as no row.
          const values = Object.entries(stored).filter(([k]) => !t.key.includes(k)).map(([, v]) => Number(v))
          if (values.every((v) => v === 0)) continue
        }
        problems.push(`${name}: in the rollups (${JSON.stringify(stored)}) but not in the records`)
      } else {
        const diffs = Object.keys(computed)
          .filter((k) => !t.key.includes(k) && Number(stored[k]) !== Number(computed[k]))
          .map((k) => `${k} stored ${String(stored[k])}, from the records ${String(computed[k])}`)
        if (diffs.length > 0) problems.push(`${name}: ${diffs.join(', ')}`)
      }
    }
  }
  return problems
}
