/**
 * The team store's schema, created and upgraded by cto itself: numbered migrations applied in
 * order, each once, in one transaction under an advisory lock (two members upgrading at once:
 * one does it, the other finds it done). `cto_migrations` lists what was applied, when, by whom.
 * A database whose newest migration is newer than this cto knows is refused by every command
 * (STORE_SCHEMA_NEWER): an older cto must not write rows whose meaning has changed.
 *
 * Tables (v1), all in the configured schema (default `cto`):
 *   records       every attempt and imported baseline, in the order recorded (`seq`); `id` is the
 *                 attempt id (unique: a push or a spool delivery counts an attempt once); `body`
 *                 is the record's JSON exactly as exported; the rest are columns for indexes and sums
 *   stats         running totals per model (task_type '') and per model × task type: what the
 *                 router reads, so a routing decision never scans records
 *   route_first / route_escalations   who is given a task first, and each escalation (the report)
 *   day_models / day_users / day_groups   per local date: per model, per member, and tokens per
 *                 budget group (budgets)
 *   counters      attempts and baselines
 *   budget_holds  tokens held by attempts running now (admit_budget); removed when recorded
 * Functions (v1): record_attempts(jsonb) folds attempts into every rollup in one round trip and
 * takes the team's write lock; admit_budget(…) checks a group's cap and holds tokens atomically.
 * v2: documents — small per-team documents by name: `cascade`, the router's learned state with
 *     the last record folded into it (pg-cascade.ts).
 * (v1 gained `verified`, verify_runs/passes, route_* and day_users before the team store first
 * shipped: no database has a v1 without them.)
 *
 * Sums of money, quality and time are `numeric`: exact, so the totals don't depend on the order
 * in which records were added (a rebuild gives the same numbers to the last digit).
 */
import type {Sql} from 'postgres'
import {CtoError} from '../../errors.js'

export interface Migration {
  version: number
  name: string
  sql: string
}

/** The team's write lock: record, import, reset, admit and rebuild all take it (per schema). */
export const WRITE_LOCK = 'pg_advisory_xact_lock(7201, hashtext(current_schema()))'

const V1 = `
CREATE TABLE records (
  seq bigserial PRIMARY KEY,
  id text NOT NULL UNIQUE,
  kind smallint NOT NULL,
  time timestamptz,
  day date,
  task_id text,
  model text NOT NULL,
  task_type text,
  grp text,
  escalation_step integer,
  usr text,
  ok boolean,
  quality numeric,
  input_tokens bigint,
  output_tokens bigint,
  cost_usd numeric,
  duration_ms numeric,
  verified boolean,
  source_sha text,
  body text NOT NULL
);
CREATE INDEX records_task ON records (task_id, escalation_step) WHERE kind = 0;
CREATE INDEX records_time ON records (time) WHERE kind = 0;
CREATE INDEX records_model ON records (model, seq) WHERE kind = 0;
CREATE INDEX records_source ON records (source_sha) WHERE kind = 1;

CREATE TABLE stats (
  model text NOT NULL,
  task_type text NOT NULL,
  attempts bigint NOT NULL DEFAULT 0,
  successes bigint NOT NULL DEFAULT 0,
  quality_count bigint NOT NULL DEFAULT 0,
  quality_sum numeric NOT NULL DEFAULT 0,
  input_tokens bigint NOT NULL DEFAULT 0,
  output_tokens bigint NOT NULL DEFAULT 0,
  cost_usd numeric NOT NULL DEFAULT 0,
  duration_ms numeric NOT NULL DEFAULT 0,
  escalations bigint NOT NULL DEFAULT 0,
  tasks bigint NOT NULL DEFAULT 0,
  verify_runs bigint NOT NULL DEFAULT 0,
  verify_passes bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (model, task_type)
);
CREATE TABLE route_first (
  task_type text NOT NULL,
  model text NOT NULL,
  n bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (task_type, model)
);
CREATE TABLE route_escalations (
  task_type text NOT NULL,
  from_model text NOT NULL,
  to_model text NOT NULL,
  n bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (task_type, from_model, to_model)
);
CREATE TABLE day_models (
  day date NOT NULL,
  model text NOT NULL,
  attempts bigint NOT NULL DEFAULT 0,
  successes bigint NOT NULL DEFAULT 0,
  cost_usd numeric NOT NULL DEFAULT 0,
  input_tokens bigint NOT NULL DEFAULT 0,
  output_tokens bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (day, model)
);
CREATE TABLE day_users (
  day date NOT NULL,
  usr text NOT NULL,
  attempts bigint NOT NULL DEFAULT 0,
  successes bigint NOT NULL DEFAULT 0,
  cost_usd numeric NOT NULL DEFAULT 0,
  input_tokens bigint NOT NULL DEFAULT 0,
  output_tokens bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (day, usr)
);
CREATE TABLE day_groups (
  day date NOT NULL,
  grp text NOT NULL,
  tokens bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (day, grp)
);
CREATE TABLE counters (name text PRIMARY KEY, value bigint NOT NULL);
INSERT INTO counters VALUES ('attempts', 0), ('baselines', 0);
CREATE TABLE budget_holds (
  id text PRIMARY KEY,
  day date NOT NULL,
  grp text NOT NULL,
  tokens bigint NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX budget_holds_day ON budget_holds (day, grp);

-- One attempt (a jsonb object made by pg-rows.ts) folded into every rollup. Exact without a
-- window: distinct tasks and escalations are decided from the task's other rows (index on task_id).
-- An attempt at step n marks the task's step n-1 attempts as escalated unless a step n was already
-- there; an attempt recorded after its successor counts as escalated itself. Returns 1 when added,
-- 0 when its id was already there.
CREATE FUNCTION fold_attempt(r jsonb) RETURNS integer LANGUAGE plpgsql AS $fn$
DECLARE
  t text := r->>'task_id';
  m text := r->>'model';
  tt text := r->>'task_type';
  st integer := (r->>'step')::integer;
  q numeric := (r->>'quality')::numeric;
  ok integer := CASE WHEN (r->>'ok')::boolean THEN 1 ELSE 0 END;
  tin bigint := (r->>'in')::bigint;
  tout bigint := (r->>'out')::bigint;
  cost numeric := (r->>'cost')::numeric;
  dur numeric := (r->>'dur')::numeric;
  ver boolean := (r->>'ver')::boolean;
  u text := r->>'usr';
  nx record;
  new_model integer;
  new_type integer;
  self_esc integer;
  step_seen boolean;
  p record;
BEGIN
  new_model := CASE WHEN EXISTS (SELECT 1 FROM records WHERE kind = 0 AND task_id = t AND model = m) THEN 0 ELSE 1 END;
  new_type := CASE WHEN new_model = 1 OR NOT EXISTS (SELECT 1 FROM records WHERE kind = 0 AND task_id = t AND model = m AND task_type = tt) THEN 1 ELSE 0 END;
  step_seen := EXISTS (SELECT 1 FROM records WHERE kind = 0 AND task_id = t AND escalation_step = st);
  self_esc := CASE WHEN EXISTS (SELECT 1 FROM records WHERE kind = 0 AND task_id = t AND escalation_step = st + 1) THEN 1 ELSE 0 END;
  INSERT INTO records (id, kind, time, day, task_id, model, task_type, grp, escalation_step, usr, ok, quality, input_tokens, output_tokens, cost_usd, duration_ms, verified, body)
  VALUES (r->>'id', 0, (r->>'time')::timestamptz, (r->>'day')::date, t, m, tt, r->>'grp', st, u, ok = 1, q, tin, tout, cost, dur, ver, r->>'body')
  ON CONFLICT (id) DO NOTHING;
  IF NOT FOUND THEN
    RETURN 0;
  END IF;
  INSERT INTO stats AS x (model, task_type, attempts, successes, quality_count, quality_sum, input_tokens, output_tokens, cost_usd, duration_ms, escalations, tasks, verify_runs, verify_passes)
  VALUES
    (m, '', 1, ok, CASE WHEN q IS NULL THEN 0 ELSE 1 END, coalesce(q, 0), tin, tout, cost, dur, self_esc, new_model, CASE WHEN ver IS NULL THEN 0 ELSE 1 END, CASE WHEN ver THEN 1 ELSE 0 END),
    (m, tt, 1, ok, CASE WHEN q IS NULL THEN 0 ELSE 1 END, coalesce(q, 0), tin, tout, cost, dur, self_esc, new_type, CASE WHEN ver IS NULL THEN 0 ELSE 1 END, CASE WHEN ver THEN 1 ELSE 0 END)
  ON CONFLICT (model, task_type) DO UPDATE SET
    attempts = x.attempts + 1,
    successes = x.successes + EXCLUDED.successes,
    quality_count = x.quality_count + EXCLUDED.quality_count,
    quality_sum = x.quality_sum + EXCLUDED.quality_sum,
    input_tokens = x.input_tokens + EXCLUDED.input_tokens,
    output_tokens = x.output_tokens + EXCLUDED.output_tokens,
    cost_usd = x.cost_usd + EXCLUDED.cost_usd,
    duration_ms = x.duration_ms + EXCLUDED.duration_ms,
    escalations = x.escalations + EXCLUDED.escalations,
    tasks = x.tasks + EXCLUDED.tasks,
    verify_runs = x.verify_runs + EXCLUDED.verify_runs,
    verify_passes = x.verify_passes + EXCLUDED.verify_passes;
  -- Where tasks go (cto perf report): who is given a task first, and each escalation from the
  -- model of step n-1 to the first attempt at step n (an attempt recorded after its successor:
  -- to that successor).
  IF st = 0 THEN
    INSERT INTO route_first AS x (task_type, model, n) VALUES (tt, m, 1)
    ON CONFLICT (task_type, model) DO UPDATE SET n = x.n + 1;
  END IF;
  IF st > 0 AND NOT step_seen THEN
    FOR p IN SELECT model, task_type FROM records WHERE kind = 0 AND task_id = t AND escalation_step = st - 1 LOOP
      UPDATE stats SET escalations = escalations + 1 WHERE model = p.model AND task_type IN ('', p.task_type);
      INSERT INTO route_escalations AS x (task_type, from_model, to_model, n) VALUES (tt, p.model, m, 1)
      ON CONFLICT (task_type, from_model, to_model) DO UPDATE SET n = x.n + 1;
    END LOOP;
  END IF;
  IF self_esc = 1 THEN
    SELECT model, task_type INTO nx FROM records WHERE kind = 0 AND task_id = t AND escalation_step = st + 1 ORDER BY seq LIMIT 1;
    INSERT INTO route_escalations AS x (task_type, from_model, to_model, n) VALUES (nx.task_type, m, nx.model, 1)
    ON CONFLICT (task_type, from_model, to_model) DO UPDATE SET n = x.n + 1;
  END IF;
  IF u IS NOT NULL THEN
    INSERT INTO day_users AS x (day, usr, attempts, successes, cost_usd, input_tokens, output_tokens)
    VALUES ((r->>'day')::date, u, 1, ok, cost, tin, tout)
    ON CONFLICT (day, usr) DO UPDATE SET
      attempts = x.attempts + 1,
      successes = x.successes + EXCLUDED.successes,
      cost_usd = x.cost_usd + EXCLUDED.cost_usd,
      input_tokens = x.input_tokens + EXCLUDED.input_tokens,
      output_tokens = x.output_tokens + EXCLUDED.output_tokens;
  END IF;
  INSERT INTO day_models AS x (day, model, attempts, successes, cost_usd, input_tokens, output_tokens)
  VALUES ((r->>'day')::date, m, 1, ok, cost, tin, tout)
  ON CONFLICT (day, model) DO UPDATE SET
    attempts = x.attempts + 1,
    successes = x.successes + EXCLUDED.successes,
    cost_usd = x.cost_usd + EXCLUDED.cost_usd,
    input_tokens = x.input_tokens + EXCLUDED.input_tokens,
    output_tokens = x.output_tokens + EXCLUDED.output_tokens;
  INSERT INTO day_groups AS x (day, grp, tokens) VALUES ((r->>'day')::date, r->>'grp', tin + tout)
  ON CONFLICT (day, grp) DO UPDATE SET tokens = x.tokens + EXCLUDED.tokens;
  UPDATE counters SET value = value + 1 WHERE name = 'attempts';
  -- The budget this attempt held while it ran is now spent (counted in day_groups above).
  DELETE FROM budget_holds WHERE id = r->>'id';
  RETURN 1;
END
$fn$;

-- A batch of attempts (a jsonb array), in order, under the team's write lock. Returns how many were new.
CREATE FUNCTION record_attempts(recs jsonb) RETURNS integer LANGUAGE plpgsql AS $fn$
DECLARE
  r jsonb;
  added integer := 0;
BEGIN
  PERFORM ${WRITE_LOCK};
  FOR r IN SELECT value FROM jsonb_array_elements(recs) WITH ORDINALITY AS e(value, n) ORDER BY n LOOP
    added := added + fold_attempt(r);
  END LOOP;
  RETURN added;
END
$fn$;

-- Admit an attempt against a group's daily cap, atomically for the whole team: while the tokens
-- spent today plus those held by running attempts are under the cap, hold this attempt's estimate
-- (until recorded, or until it expires) and answer true. Returns {ok, used}.
CREATE FUNCTION admit_budget(hold_id text, on_day date, group_name text, estimate bigint, cap bigint, ttl_seconds integer) RETURNS jsonb LANGUAGE plpgsql AS $fn$
DECLARE
  used bigint;
BEGIN
  PERFORM ${WRITE_LOCK};
  DELETE FROM budget_holds WHERE expires_at < now() - interval '1 day';
  used := coalesce((SELECT tokens FROM day_groups WHERE day = on_day AND grp = group_name), 0)
        + coalesce((SELECT sum(tokens) FROM budget_holds WHERE day = on_day AND grp = group_name AND expires_at > now() AND id <> hold_id), 0);
  IF used >= cap THEN
    RETURN jsonb_build_object('ok', false, 'used', used);
  END IF;
  INSERT INTO budget_holds (id, day, grp, tokens, expires_at) VALUES (hold_id, on_day, group_name, estimate, now() + make_interval(secs => ttl_seconds))
  ON CONFLICT (id) DO UPDATE SET day = EXCLUDED.day, grp = EXCLUDED.grp, tokens = EXCLUDED.tokens, expires_at = EXCLUDED.expires_at;
  RETURN jsonb_build_object('ok', true, 'used', used);
END
$fn$;
`

const V2 = `
CREATE TABLE documents (
  name text PRIMARY KEY,
  body jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by text
);
`

export const MIGRATIONS: readonly Migration[] = [
  {version: 1, name: 'records, rollups, budgets', sql: V1},
  {version: 2, name: 'per-team documents', sql: V2},
]

/** The schema version this cto writes. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version

export const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`

/** The applied version: 0 when cto's tables aren't there at all. */
export async function schemaVersion(sql: Sql, schema: string): Promise<number> {
  const [row] = await sql<Array<{v: number | null}>>`
    SELECT CASE WHEN to_regclass(${`${quoteIdent(schema)}.cto_migrations`}) IS NULL THEN NULL ELSE 1 END AS v`
  if (row?.v === null || row?.v === undefined) return 0
  const [max] = await sql.unsafe<Array<{v: number | null}>>(`SELECT max(version)::int AS v FROM ${quoteIdent(schema)}.cto_migrations`)
  return max?.v ?? 0
}

export function newerSchemaError(location: string, found: number): CtoError {
  return new CtoError({
    code: 'STORE_SCHEMA_NEWER',
    message: `The team store ${location} has schema version ${found}, newer than this cto knows (${SCHEMA_VERSION}): a newer cto has upgraded it. Nothing was read or written.`,
    actions: ['Upgrade cto on this machine to the version your team uses, then run the command again.'],
  })
}

export interface MigrateResult {
  from: number
  to: number
  applied: Array<{version: number; name: string}>
}

/**
 * Apply the migrations after the current version, up to `to` (default: all), in one transaction
 * under an advisory lock. Refuses a database newer than this cto (STORE_SCHEMA_NEWER).
 */
export async function migrate(sql: Sql, opts: {schema: string; location: string; by: string; to?: number}): Promise<MigrateResult> {
  const target = opts.to ?? SCHEMA_VERSION
  const s = quoteIdent(opts.schema)
  return sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(7200, hashtext(${opts.schema}))`
    await tx.unsafe(`CREATE SCHEMA IF NOT EXISTS ${s}`)
    await tx.unsafe(`CREATE TABLE IF NOT EXISTS ${s}.cto_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(), applied_by text)`)
    const [row] = await tx.unsafe<Array<{v: number | null}>>(`SELECT max(version)::int AS v FROM ${s}.cto_migrations`)
    const from = row?.v ?? 0
    if (from > SCHEMA_VERSION) throw newerSchemaError(opts.location, from)
    const applied: MigrateResult['applied'] = []
    await tx.unsafe(`SET LOCAL search_path = ${s}`)
    for (const m of MIGRATIONS) {
      if (m.version <= from || m.version > target) continue
      await tx.unsafe(m.sql)
      await tx`INSERT INTO cto_migrations (version, name, applied_by) VALUES (${m.version}, ${m.name}, ${opts.by})`
      applied.push({version: m.version, name: m.name})
    }
    return {from, to: Math.max(from, applied.at(-1)?.version ?? from), applied}
  }) as Promise<MigrateResult>
}
