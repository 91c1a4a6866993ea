/**
 * `cto perf` views that read raw attempts on the team store: `--since` (the totals of the
 * attempts since a moment, as the local store folds them) and `--by user`. One SQL statement each;
 * escalations and distinct tasks count among the attempts selected, as in the local store.
 * Without these filters `cto perf` reads the `stats` rollup and never touches `records`.
 */
import type {Sql} from 'postgres'
import {emptyAggregates, emptyStats, type AggregatesDoc} from '../aggregates.js'
import type {PerfStats, PerfSummaryOptions, UserRow} from '../types.js'
import {byAttempts, UNKNOWN_USER, userRow} from '../user-summary.js'

/** A row of sums as the queries below return them: every figure of PerfStats, verification included. */
type StatsRow = Required<PerfStats>

const STATS_COLUMNS = `count(*)::float8 AS attempts, (count(*) FILTER (WHERE ok))::float8 AS successes, count(quality)::float8 AS quality_count,
  coalesce(sum(quality), 0)::float8 AS quality_sum, sum(input_tokens)::float8 AS input_tokens, sum(output_tokens)::float8 AS output_tokens,
  sum(cost_usd)::float8 AS cost_usd, sum(duration_ms)::float8 AS duration_ms, (count(*) FILTER (WHERE esc))::float8 AS escalations,
  count(DISTINCT task_id)::float8 AS tasks, count(verified)::float8 AS verify_runs, (count(*) FILTER (WHERE verified))::float8 AS verify_passes`

function toStats(r: StatsRow): PerfStats {
  const s = emptyStats()
  for (const k of Object.keys(s) as Array<keyof PerfStats>) s[k] = Number(r[k])
  // As the local store: verification counts only where some attempt was verified.
  if (Number(r.verify_runs) > 0) Object.assign(s, {verify_runs: Number(r.verify_runs), verify_passes: Number(r.verify_passes)})
  return s
}

/** The attempts selected (`f`), each with whether its task has an attempt at the next step among them (`esc`). */
function selected(sql: Sql, where: {since?: Date; type?: string; model?: string}) {
  return sql`
    WITH f AS (
      SELECT * FROM records WHERE kind = 0
      ${where.since ? sql`AND time >= ${where.since.toISOString()}::timestamptz` : sql``}
      ${where.type ? sql`AND task_type = ${where.type}` : sql``}
      ${where.model !== undefined ? sql`AND model = ${where.model}` : sql``}
    ),
    steps AS (SELECT DISTINCT task_id, escalation_step FROM f),
    a AS (
      SELECT f.*, s.task_id IS NOT NULL AS esc
      FROM f LEFT JOIN steps s ON s.task_id = f.task_id AND s.escalation_step = f.escalation_step + 1
    )`
}

/** The totals of the attempts since a moment: per model and model × task type, like the rollup. */
export async function sinceAggregates(sql: Sql, since: Date): Promise<AggregatesDoc> {
  const rows = await sql<Array<StatsRow & {model: string; task_type: string | null}>>`
    ${selected(sql, {since})}
    SELECT model, task_type, ${sql.unsafe(STATS_COLUMNS)}
    FROM a GROUP BY GROUPING SETS ((model), (model, task_type))`
  const doc = emptyAggregates()
  for (const r of rows) {
    if (r.task_type === null) {
      doc.models[r.model] = toStats(r)
      doc.totals.attempts += Number(r.attempts)
    } else (doc.model_types[r.model] ??= {})[r.task_type] = toStats(r)
  }
  return doc
}

/** One row per person, over the attempts that pass the filters. */
export async function userRows(sql: Sql, opts: Pick<PerfSummaryOptions, 'since' | 'type' | 'model'>): Promise<UserRow[]> {
  const rows = await sql<Array<StatsRow & {who: string; models: string[]}>>`
    ${selected(sql, opts)}
    , u AS (SELECT a.*, coalesce(usr, ${UNKNOWN_USER}) AS who FROM a)
    , per_model AS (SELECT who, model, count(*) AS n FROM u GROUP BY who, model)
    SELECT who, ${sql.unsafe(STATS_COLUMNS)},
      (SELECT json_agg(p.model ORDER BY p.n DESC, p.model) FROM per_model p WHERE p.who = u.who) AS models
    FROM u GROUP BY who`
  return rows.map((r) => userRow(r.who, toStats(r), r.models ?? [])).sort(byAttempts)
}
