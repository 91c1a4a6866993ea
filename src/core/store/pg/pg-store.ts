/**
 * The performance store on a team's PostgreSQL database: the PerfStore interface (types.ts) that
 * the local files implement too, so the router, `cto task`, `cto perf` and its filters, export,
 * import and reset work the same on both (one contract suite: test/store/contract.ts).
 *
 * - Reading is O(1) in history: `refresh()` loads the `stats` rollup (a row per model and model ×
 *   task type), the counters and the last weeks' tokens per budget group, in one round trip; the
 *   router then answers from memory. `--since` and `--by user` query the records (pg-summary.ts).
 * - Writing: `record()` calls record_attempts (migrations.ts), which folds each attempt into every
 *   rollup under the team's write lock and returns; one round trip with the re-read of the totals.
 *   An attempt is counted once per attempt id.
 * - Budgets (`admit`): a group's cap is checked and the attempt's estimate held atomically for the
 *   whole team (admit_budget); recording the attempt turns the hold into spending.
 * - Unreachable database while recording, with a spool (cto task): the attempt goes to the local
 *   spool (spool.ts) with a warning; any later command that reaches the database delivers it.
 * - Schema: reads work on any schema this cto knows (an empty database reads as an empty store);
 *   writes first create or upgrade it (migrations.ts); a newer schema is refused by everything.
 */
import type {Writable} from 'node:stream'
import type {Sql} from 'postgres'
import {CtoError} from '../../errors.js'
import type {ModelGroup, TaskType} from '../../providers/spec.js'
import {emptyAggregates, emptyStats, localDate, type AggregatesDoc} from '../aggregates.js'
import {summaryFilters, summaryRows} from '../perf-summary.js'
import type {StoreSettings} from '../store-settings.js'
import type {
  AttemptRecord,
  BudgetAdmission,
  BudgetGate,
  CheckResult,
  DayModelRollup,
  DayRollup,
  ExportFormat,
  ExportResult,
  ImportResult,
  LatestOptions,
  PerfBreakdown,
  PerfStats,
  PerfStore,
  PerfSummary,
  PerfSummaryOptions,
  ResetResult,
  StoreHealth,
  StoreInfo,
} from '../types.js'
import {migrate, newerSchemaError, SCHEMA_VERSION, type MigrateResult} from './migrations.js'
import {connect, firstAnswer, type PgConnection} from './pg-connect.js'
import {isUnreachable, storeError, StoreUnreachableError} from './pg-errors.js'
import {attemptRow} from './pg-rows.js'
import type {Spool} from './spool.js'
import type {CascadeStateJson} from '../../router/cascade-stats.js'

export interface OpenPgStoreOptions {
  settings: StoreSettings
  clock?: () => Date
  onWarning?: (message: string) => void
  /** Where attempts go when the database can't be reached while recording; delivered on open. Without one, recording throws. */
  spool?: Spool
  /** Who is writing: shown as `applied_by` of migrations. */
  user?: string
}

export interface PgStoreInfo extends StoreInfo {
  kind: 'postgres'
  schema: string
  schema_version: number
  /** Tokens per group today: spent, and held by attempts running now (their sum is `tokens_today`). */
  spent_today: Record<ModelGroup, number>
  held_today: Record<ModelGroup, number>
}

/** What one refresh loads: the rollups the router and `cto perf` read. */
interface View {
  doc: AggregatesDoc
  /** Local date → tokens per group spent, and held by running attempts. */
  spent: Map<string, Record<ModelGroup, number>>
  held: Map<string, Record<ModelGroup, number>>
}

const DAYS_AROUND = 40
const emptyView = (): View => ({doc: emptyAggregates(), spent: new Map(), held: new Map()})

export async function openPgStore(opts: OpenPgStoreOptions): Promise<PgPerfStore> {
  const conn = await connect(opts.settings)
  const store = new PgPerfStore(conn, opts)
  try {
    await firstAnswer(conn, opts.settings, store.refresh()).catch((error: unknown) => {
      throw store.fail(error)
    })
    if (opts.spool && (await opts.spool.pending()) > 0) await store.deliverSpool()
  } catch (error) {
    await store.close()
    throw error
  }
  return store
}

export class PgPerfStore implements PerfStore, BudgetGate {
  readonly kind = 'postgres'
  /** Team budgets: this store is its own gate (TaskStore.budget). */
  readonly budget: BudgetGate = this
  readonly location: string
  readonly schema: string
  private readonly sql: Sql
  private readonly clock: () => Date
  private readonly warn: (message: string) => void
  private version = 0
  private view: View = emptyView()
  private spoolWarned = false
  private learned: CascadeStateJson | null = null

  constructor(
    private readonly conn: PgConnection,
    private readonly opts: OpenPgStoreOptions,
  ) {
    this.sql = conn.sql
    this.location = conn.ctx.location
    this.schema = conn.schema
    this.clock = opts.clock ?? (() => new Date())
    this.warn = opts.onWarning ?? ((m) => process.stderr.write(`Warning: ${m}\n`))
  }

  /** The connection, for the modules that implement export, import and status. */
  get connection(): PgConnection {
    return this.conn
  }

  get schemaVersion(): number {
    return this.version
  }

  fail(error: unknown, doing?: string): CtoError {
    return storeError(error, this.conn.ctx, doing)
  }

  // ---- reading: O(1) on the loaded rollups ---------------------------------------------------

  stats(model: string, taskType?: TaskType): PerfStats {
    const s = taskType === undefined ? this.view.doc.models[model] : this.view.doc.model_types[model]?.[taskType]
    return s ? {...s} : emptyStats()
  }

  /** Tokens of a group today (local date): spent, plus held by attempts running now anywhere in the team. */
  tokensToday(group: ModelGroup): number {
    return this.spentToday(group) + this.heldToday(group)
  }

  spentToday(group: ModelGroup): number {
    return this.view.spent.get(localDate(this.clock()))?.[group] ?? 0
  }

  heldToday(group: ModelGroup): number {
    return this.view.held.get(localDate(this.clock()))?.[group] ?? 0
  }

  models(): string[] {
    return [...new Set([...Object.keys(this.view.doc.models), ...Object.keys(this.view.doc.model_types)])].sort()
  }

  /** The database keeps the rollups in the same transaction as the records: they can't go stale. `cto perf check` still verifies them. */
  health(): StoreHealth {
    return {stale: false, problems: []}
  }

  info(): PgStoreInfo {
    const groups = (f: (g: ModelGroup) => number) => ({claude: f('claude'), external: f('external')})
    return {
      kind: 'postgres',
      location: this.location,
      schema: this.schema,
      schema_version: this.version,
      attempts: this.view.doc.totals.attempts,
      baselines: this.view.doc.totals.baselines,
      models: this.models().length,
      tokens_today: groups((g) => this.tokensToday(g)),
      spent_today: groups((g) => this.spentToday(g)),
      held_today: groups((g) => this.heldToday(g)),
      health: this.health(),
    }
  }

  /** The schema version and the rollups, pipelined: one round trip. */
  async refresh(): Promise<void> {
    const now = this.clock().getTime()
    const from = localDate(new Date(now - DAYS_AROUND * 86_400_000))
    const to = localDate(new Date(now + DAYS_AROUND * 86_400_000))
    const [version, snapshot] = await Promise.allSettled([
      this.sql<Array<{v: number | null}>>`SELECT max(version)::int AS v FROM cto_migrations`,
      this.sql<Array<{stats: unknown[][]; days: unknown[][]; holds: unknown[][]; attempts: number; baselines: number}>>`
        SELECT
          (SELECT coalesce(json_agg(json_build_array(model, task_type, attempts, successes, quality_count, quality_sum::float8, input_tokens,
             output_tokens, cost_usd::float8, duration_ms::float8, escalations, tasks, verify_runs, verify_passes)), '[]') FROM stats) AS stats,
          (SELECT coalesce(json_agg(json_build_array(day::text, grp, tokens)), '[]') FROM day_groups WHERE day BETWEEN ${from}::date AND ${to}::date) AS days,
          (SELECT coalesce(json_agg(json_build_array(day::text, grp, t)), '[]') FROM (
             SELECT day, grp, sum(tokens)::float8 AS t FROM budget_holds WHERE expires_at > now() AND day BETWEEN ${from}::date AND ${to}::date GROUP BY day, grp) h) AS holds,
          (SELECT value FROM counters WHERE name = 'attempts')::float8 AS attempts,
          (SELECT value FROM counters WHERE name = 'baselines')::float8 AS baselines`,
    ])
    if (version.status === 'rejected') {
      // No cto tables yet (a fresh database or schema): an empty store, created by the first write.
      if ((version.reason as {code?: string}).code === '42P01' || (version.reason as {code?: string}).code === '3F000') {
        this.version = 0
        this.view = emptyView()
        return
      }
      throw this.fail(version.reason, 'read')
    }
    this.version = version.value[0]?.v ?? 0
    if (this.version > SCHEMA_VERSION) throw newerSchemaError(this.location, this.version)
    if (snapshot.status === 'rejected') throw this.fail(snapshot.reason, 'read')
    this.view = parseView(snapshot.value[0])
  }

  /** Run before the connection closes (cto task saves the totals it ends with, for a task that finds the database unreachable). */
  beforeClose?: () => Promise<void>

  async close(): Promise<void> {
    await this.beforeClose?.().catch(() => {})
    await this.sql.end({timeout: 2}).catch(() => {})
  }

  // ---- writing -------------------------------------------------------------------------------

  /** Create or upgrade cto's tables before a write (reads never do). */
  async ensureSchema(): Promise<MigrateResult | undefined> {
    if (this.version === SCHEMA_VERSION) return undefined
    const result = await this.migrate()
    if (result.applied.length > 0) {
      this.warn(
        result.from === 0
          ? `Created cto's tables in the team store ${this.location} (schema version ${result.to}).`
          : `Upgraded the team store ${this.location} from schema version ${result.from} to ${result.to}.`,
      )
    }
    return result
  }

  /** `cto store migrate`: apply what is missing, up to `to` (default: this cto's version). */
  async migrate(to?: number): Promise<MigrateResult> {
    let result: MigrateResult
    try {
      result = await migrate(this.sql, {schema: this.schema, location: this.location, by: this.opts.user ?? 'cto', to})
    } catch (error) {
      throw this.fail(error, 'create or upgrade its tables')
    }
    await this.refresh()
    return result
  }

  async record(attempt: AttemptRecord): Promise<void> {
    await this.recordMany([attempt])
  }

  /** All or nothing (one statement); attempts whose id is already there are not counted again. */
  async recordMany(attempts: readonly AttemptRecord[]): Promise<void> {
    if (attempts.length === 0) return
    const values = await validated(attempts)
    try {
      await this.ensureSchema()
      await this.send(values)
    } catch (error) {
      if (this.opts.spool && isUnreachable(error, this.conn.ctx)) {
        await this.opts.spool.add(values)
        if (!this.spoolWarned) {
          this.spoolWarned = true
          const mapped = this.fail(error)
          const why = StoreUnreachableError.is(mapped) ? mapped.reason : mapped.message
          this.warn(`The team store ${this.location} can't be reached (${why}): attempts are kept in ${this.opts.spool.dir} and delivered by the next command that reaches it.`)
        }
        return
      }
      throw this.fail(error, 'record')
    }
  }

  /**
   * A write that gets no answer in time (a server paused, a network that drops packets) is given
   * up as unreachable and the connection dropped, so `cto task` spools instead of hanging. If the
   * write did commit after all, the delivery of the spool skips it (same attempt id).
   */
  private answered<T>(p: Promise<T>): Promise<T> {
    const ms = Math.max(3, this.opts.settings.connectTimeoutSeconds * 3) * 1000
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        void this.sql.end({timeout: 0}).catch(() => {})
        reject(Object.assign(new Error(`no answer in ${ms / 1000} s`), {code: 'ETIMEDOUT'}))
      }, ms)
    })
    return Promise.race([p, late]).finally(() => clearTimeout(timer))
  }

  /** Fold attempts in (record_attempts) and re-read the rollups, pipelined. Returns how many were new. */
  async send(attempts: readonly AttemptRecord[]): Promise<number> {
    return this.answered(this.sendNow(attempts))
  }

  private async sendNow(attempts: readonly AttemptRecord[]): Promise<number> {
    const rows = attempts.map((a) => attemptRow(a))
    // Sent now (postgres.js queries are lazy), so the re-read queued behind it on the one connection sees it.
    const recording = this.sql<Array<{n: number}>>`SELECT record_attempts(${this.sql.json(rows as never)}) AS n`.execute()
    const [recorded, refreshed] = await Promise.allSettled([recording, this.refresh()])
    if (recorded.status === 'rejected') throw recorded.reason
    if (refreshed.status === 'rejected') throw refreshed.reason
    return recorded.value[0].n
  }

  /** Deliver what the spool holds (on open, and by `cto store push`). Unreachable again: the rest waits, quietly. */
  async deliverSpool(): Promise<{delivered: number; duplicates: number} | undefined> {
    const spool = this.opts.spool
    if (!spool || (await spool.pending()) === 0) return undefined
    try {
      await this.ensureSchema()
      const r = await spool.deliver((batch) => this.send(batch), this.warn)
      if (r.delivered + r.duplicates > 0) this.warn(`Delivered ${r.delivered} attempt(s) kept locally while the team store was unreachable${r.duplicates > 0 ? ` (${r.duplicates} were already there)` : ''}.`)
      return r
    } catch (error) {
      if (isUnreachable(error, this.conn.ctx)) return undefined
      throw this.fail(error, 'deliver the spooled attempts')
    }
  }

  /** Team budgets: see BudgetGate in types.ts. When the database can't be reached the check is local (the last totals loaded). */
  async admit(req: {id: string; group: ModelGroup; tokens: number; cap: number; ttlMs: number}): Promise<BudgetAdmission> {
    const day = localDate(this.clock())
    try {
      await this.ensureSchema()
      const [row] = await this.answered(
        this.sql<Array<{r: {ok: boolean; used: number}}>>`
          SELECT admit_budget(${req.id}, ${day}::date, ${req.group}, ${Math.ceil(req.tokens)}, ${Math.floor(req.cap)}, ${Math.ceil(req.ttlMs / 1000)}) AS r`.execute(),
      )
      return {ok: row.r.ok, used: Number(row.r.used)}
    } catch (error) {
      if (!isUnreachable(error, this.conn.ctx)) throw this.fail(error, 'check the budget')
      const used = this.tokensToday(req.group)
      return {ok: used < req.cap, used, local: true}
    }
  }

  async reset(opts: {backup?: boolean} = {}): Promise<ResetResult> {
    const {resetStore} = await import('./pg-maintenance.js')
    return resetStore(this, opts)
  }

  async check(opts: {repair?: boolean} = {}): Promise<CheckResult> {
    const {checkStore} = await import('./pg-maintenance.js')
    return checkStore(this, opts)
  }

  // ---- summaries -----------------------------------------------------------------------------

  async summary(opts: PerfSummaryOptions = {}): Promise<PerfSummary> {
    let doc = this.view.doc
    let source: PerfSummary['source'] = 'aggregates'
    if (opts.since) {
      source = 'records'
      const {sinceAggregates} = await import('./pg-summary.js')
      doc = this.version === 0 ? emptyAggregates() : await sinceAggregates(this.sql, opts.since).catch((e) => Promise.reject(this.fail(e, 'read')))
    }
    const summary: PerfSummary = {
      source,
      filters: summaryFilters(opts),
      empty: this.view.doc.totals.attempts === 0 && this.view.doc.totals.baselines === 0,
      ...summaryRows(doc, opts),
      store: this.location,
      health: this.health(),
    }
    if (opts.by === 'user') {
      const {userRows} = await import('./pg-summary.js')
      summary.source = 'records'
      summary.by_user = this.version === 0 ? [] : await userRows(this.sql, opts).catch((e) => Promise.reject(this.fail(e, 'read')))
    }
    if (opts.model !== undefined) summary.recent = await this.recent(opts.model, {...opts, limit: opts.recent ?? 10})
    return summary
  }

  /** What the router learned about cascades, as of the last loadCascade() (null before: only cto task loads it). */
  cascade(): CascadeStateJson | null {
    return this.learned
  }

  /** Bring the team's learned state up to date with every record (pg-cascade.ts): cto task does this once when it opens the store. */
  async loadCascade(): Promise<{folded: number}> {
    if (this.version < 2) return {folded: 0}
    const {catchUpCascade} = await import('./pg-cascade.js')
    try {
      const r = await catchUpCascade(this.sql, this.opts.user)
      this.learned = r.state
      return {folded: r.folded}
    } catch (error) {
      if (CtoError.isInstance(error)) throw error
      throw this.fail(error, 'read')
    }
  }

  /** The newest attempts of every model, newest first. */
  async latest(opts: LatestOptions): Promise<AttemptRecord[]> {
    if (this.version === 0) return []
    const sql = this.sql
    try {
      const rows = await sql<Array<{body: string}>>`
        SELECT body FROM records WHERE kind = 0
        ${opts.type ? sql`AND task_type = ${opts.type}` : sql``}
        ${opts.since ? sql`AND time >= ${opts.since.toISOString()}::timestamptz` : sql``}
        ORDER BY seq DESC LIMIT ${opts.limit}`
      return rows.map((r) => JSON.parse(r.body) as AttemptRecord)
    } catch (error) {
      throw this.fail(error, 'read')
    }
  }

  /** Per model × task type and where tasks went: from the rollups, or (with `since`) from the attempts since then. */
  async breakdown(opts: {since?: Date} = {}): Promise<PerfBreakdown> {
    const out: PerfBreakdown = {source: opts.since ? 'records' : 'aggregates', by_model_type: structuredClone(this.view.doc.model_types), first_served: {}, escalations: {}}
    if (this.version === 0) return opts.since ? {...out, by_model_type: {}} : out
    const {routeEscalationsQuery, routeFirstQuery} = await import('./pg-rollups.js')
    try {
      let first: Array<{task_type: string; model: string; n: number}>
      let escalations: Array<{task_type: string; from_model: string; to_model: string; n: number}>
      if (opts.since) {
        const {sinceAggregates} = await import('./pg-summary.js')
        const where = `AND time >= '${opts.since.toISOString()}'::timestamptz`
        const [doc, f, e] = await Promise.all([
          sinceAggregates(this.sql, opts.since),
          this.sql.unsafe<typeof first>(`SELECT task_type, model, n::float8 AS n FROM (${routeFirstQuery(where)}) q`),
          this.sql.unsafe<typeof escalations>(`SELECT task_type, from_model, to_model, n::float8 AS n FROM (${routeEscalationsQuery(where)}) q`),
        ])
        out.by_model_type = doc.model_types
        ;[first, escalations] = [f, e]
      } else {
        ;[first, escalations] = await Promise.all([
          this.sql<typeof first>`SELECT task_type, model, n::float8 AS n FROM route_first`,
          this.sql<typeof escalations>`SELECT task_type, from_model, to_model, n::float8 AS n FROM route_escalations`,
        ])
      }
      for (const r of first) (out.first_served[r.task_type] ??= {})[r.model] = Number(r.n)
      for (const r of escalations) ((out.escalations[r.task_type] ??= {})[r.from_model] ??= {})[r.to_model] = Number(r.n)
      return out
    } catch (error) {
      throw this.fail(error, 'read')
    }
  }

  async recent(model: string, opts: {limit?: number; type?: TaskType; since?: Date} = {}): Promise<AttemptRecord[]> {
    if (this.version === 0) return []
    const sql = this.sql
    try {
      const rows = await sql<Array<{body: string}>>`
        SELECT body FROM records WHERE kind = 0 AND model = ${model}
        ${opts.type ? sql`AND task_type = ${opts.type}` : sql``}
        ${opts.since ? sql`AND time >= ${opts.since.toISOString()}::timestamptz` : sql``}
        ORDER BY seq DESC LIMIT ${opts.limit ?? 10}`
      return rows.map((r) => JSON.parse(r.body) as AttemptRecord)
    } catch (error) {
      throw this.fail(error, 'read')
    }
  }

  async dailyRollups(): Promise<Record<string, DayRollup>> {
    if (this.version === 0) return {}
    try {
      type Row = DayModelRollup & {day: string}
      const [models, groups, users] = await Promise.all([
        this.sql<Array<{day: string; model: string; attempts: number; successes: number; cost_usd: number; input_tokens: number; output_tokens: number}>>`
          SELECT day::text AS day, model, attempts::float8 AS attempts, successes::float8 AS successes, cost_usd::float8 AS cost_usd,
            input_tokens::float8 AS input_tokens, output_tokens::float8 AS output_tokens FROM day_models ORDER BY day, model`,
        this.sql<Array<{day: string; grp: ModelGroup; tokens: number}>>`SELECT day::text AS day, grp, tokens::float8 AS tokens FROM day_groups ORDER BY day, grp`,
        this.sql<Array<Row & {usr: string}>>`
          SELECT day::text AS day, usr, attempts::float8 AS attempts, successes::float8 AS successes, cost_usd::float8 AS cost_usd,
            input_tokens::float8 AS input_tokens, output_tokens::float8 AS output_tokens FROM day_users ORDER BY day, usr`,
      ])
      const out: Record<string, DayRollup> = {}
      const day = (d: string) => (out[d] ??= {models: {}, groups: {claude: 0, external: 0}})
      for (const {day: d, model, ...m} of models) day(d).models[model] = m
      for (const g of groups) day(g.day).groups[g.grp] = g.tokens
      for (const {day: d, usr, ...u} of users) (day(d).users ??= {})[usr] = u
      return out
    } catch (error) {
      throw this.fail(error, 'read')
    }
  }

  // ---- export / import -----------------------------------------------------------------------

  async export(format: ExportFormat, out: string | Writable): Promise<ExportResult> {
    const {exportPgStore} = await import('./pg-export.js')
    return exportPgStore(this, format, out, this.warn)
  }

  async import(file: string): Promise<ImportResult> {
    const {importIntoPg} = await import('./pg-import.js')
    return importIntoPg(this, file, this.clock().toISOString())
  }

  // ---- per-team documents (schema v2) --------------------------------------------------------

  /** A small per-team document by name (e.g. the router's learned state), or undefined. */
  async readDocument<T = unknown>(name: string): Promise<T | undefined> {
    if (this.version < 2) return undefined
    try {
      const [row] = await this.sql<Array<{body: T}>>`SELECT body FROM documents WHERE name = ${name}`
      return row?.body
    } catch (error) {
      throw this.fail(error, 'read')
    }
  }

  async writeDocument(name: string, body: unknown): Promise<void> {
    try {
      await this.ensureSchema()
      await this.sql`
        INSERT INTO documents (name, body, updated_at, updated_by) VALUES (${name}, ${this.sql.json(body as never)}, now(), ${this.opts.user ?? null})
        ON CONFLICT (name) DO UPDATE SET body = EXCLUDED.body, updated_at = now(), updated_by = EXCLUDED.updated_by`
    } catch (error) {
      throw this.fail(error, 'write')
    }
  }
}

async function validated(attempts: readonly AttemptRecord[]): Promise<AttemptRecord[]> {
  const {normalizeAttempt} = await import('../attempt-schema.js')
  return attempts.map((a, i) => {
    const r = normalizeAttempt(a)
    if (!r.ok) {
      throw new CtoError({
        code: 'PERF_RECORD_INVALID',
        message: `Attempt ${attempts.length > 1 ? `${i + 1} ` : ''}is not a valid record (${r.problem}); nothing was recorded.`,
        actions: ['This is a bug in the caller of the performance store; please report it.'],
      })
    }
    return r.value
  })
}

function parseView(row: {stats: unknown[][]; days: unknown[][]; holds: unknown[][]; attempts: number; baselines: number}): View {
  const view = emptyView()
  const doc = view.doc
  for (const [model, type, ...n] of row.stats as Array<[string, string, ...number[]]>) {
    const s = emptyStats()
    const keys = Object.keys(s) as Array<keyof PerfStats>
    keys.forEach((k, i) => (s[k] = Number(n[i])))
    // As the local store: verification counts only where some attempt was verified.
    const [runs, passes] = [Number(n[keys.length] ?? 0), Number(n[keys.length + 1] ?? 0)]
    if (runs > 0) Object.assign(s, {verify_runs: runs, verify_passes: passes})
    if (type === '') doc.models[model] = s
    else (doc.model_types[model] ??= {})[type] = s
  }
  for (const [day, grp, tokens] of row.days as Array<[string, ModelGroup, number]>) {
    const d = view.spent.get(day) ?? {claude: 0, external: 0}
    d[grp] = Number(tokens)
    view.spent.set(day, d)
  }
  for (const [day, grp, tokens] of row.holds as Array<[string, ModelGroup, number]>) {
    const d = view.held.get(day) ?? {claude: 0, external: 0}
    d[grp] = Number(tokens)
    view.held.set(day, d)
  }
  doc.totals.attempts = Number(row.attempts ?? 0)
  doc.totals.baselines = Number(row.baselines ?? 0)
  return view
}
