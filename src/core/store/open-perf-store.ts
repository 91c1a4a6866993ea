/**
 * Opening the performance store a command should use: the local files unless `CTO_STORE_URL` or
 * config `store.url` names a team's PostgreSQL database (store-settings.ts).
 *
 * A team store has a local folder, `<dataDir>/team/<store id>/`: `spool/` (attempts waiting for
 * the database, pg/spool.ts) and `totals.json` (the last totals `cto task` read from it). When the
 * database is down or unreachable, `cto task` runs anyway (openTaskStore): it routes on those last
 * totals, records into the spool with a warning, and the next command that reaches the database
 * delivers the spool. Every other command stops with the error, which names the setting.
 */
import {join} from 'node:path'
import {localDate} from './aggregates.js'
import {dataDir} from '../paths.js'
import type {ModelGroup, TaskType} from '../providers/spec.js'
import {emptyStats} from './aggregates.js'
import {redactStoreUrl, teamStoreId, type StoreSettings} from './store-settings.js'
import type {AttemptRecord, PerfStats, PerfStore, TaskStore} from './types.js'
import type {PgPerfStore} from './pg/pg-store.js'
import type {Spool} from './pg/spool.js'
import type {CascadeStateJson} from '../router/cascade-stats.js'

export interface OpenPerfStoreOptions {
  settings: StoreSettings
  env: NodeJS.ProcessEnv
  clock?: () => Date
  onWarning?: (message: string) => void
  /** Who is recording (migrations note it). */
  user?: string
}

export type AnyPerfStore = PerfStore & {readonly kind?: string}

/** `<dataDir>/team/<id>/`: this machine's spool and last totals of one team store. */
export function teamDir(env: NodeJS.ProcessEnv, settings: StoreSettings): string {
  return join(dataDir(env), 'team', teamStoreId(settings))
}

async function spoolFor(o: OpenPerfStoreOptions): Promise<Spool> {
  const {Spool} = await import('./pg/spool.js')
  return new Spool(join(teamDir(o.env, o.settings), 'spool'))
}

/** The store for `cto perf`, `cto status`, `cto store …`: throws when a team store can't be reached. */
export async function openPerfStore(o: OpenPerfStoreOptions): Promise<AnyPerfStore> {
  if (o.settings.kind === 'files') {
    const {openStore} = await import('./perf-store.js')
    return openStore({env: o.env, clock: o.clock, onWarning: o.onWarning})
  }
  const {openPgStore} = await import('./pg/pg-store.js')
  return openPgStore({settings: o.settings, clock: o.clock, onWarning: o.onWarning, spool: await spoolFor(o), user: o.user})
}

/** The store for `cto task`: a team store that can't be reached gives way to its local spool, with a warning. */
export async function openTaskStore(o: OpenPerfStoreOptions): Promise<TaskStore & {readonly kind?: string}> {
  if (o.settings.kind === 'files') return openPerfStore(o)
  const {StoreUnreachableError} = await import('./pg/pg-errors.js')
  const spool = await spoolFor(o)
  const cache = join(teamDir(o.env, o.settings), 'totals.json')
  try {
    const {openPgStore} = await import('./pg/pg-store.js')
    const store = await openPgStore({settings: o.settings, clock: o.clock, onWarning: o.onWarning, spool, user: o.user})
    // The router's learned state, folded up to the team's newest record (pg-cascade.ts).
    await store.loadCascade().catch(async (error: unknown) => {
      await store.close()
      throw error
    })
    await saveTotals(cache, store).catch(() => {})
    // Again when the task ends, so they include its own attempts.
    store.beforeClose = () => saveTotals(cache, store)
    return store
  } catch (error) {
    if (!StoreUnreachableError.is(error)) throw error
    const store = await OfflineTeamStore.open({spool, cache, clock: o.clock ?? (() => new Date()), location: redactStoreUrl(o.settings.url as string)})
    o.onWarning?.(
      `${error.message} This task routes on the team's totals from ${store.totalsAge} and its attempts are kept in ${spool.dir}; the next command that reaches the database delivers them.`,
    )
    return store
  }
}

interface SavedTotals {
  saved_at: string
  location: string
  models: Record<string, PerfStats>
  model_types: Record<string, Record<string, PerfStats>>
  /** Tokens per group today (spent + held) when saved, by local date. */
  tokens: Record<string, Record<ModelGroup, number>>
  /** The router's learned state when saved. */
  cascade?: CascadeStateJson | null
}

/** The totals the router reads, kept for the next task that finds the database unreachable. */
async function saveTotals(file: string, store: PgPerfStore): Promise<void> {
  const {mkdir} = await import('node:fs/promises')
  const {default: writeFileAtomic} = await import('write-file-atomic')
  const models: SavedTotals['models'] = {}
  const types: SavedTotals['model_types'] = {}
  const {TASK_TYPES} = await import('../providers/spec.js')
  for (const m of store.models()) {
    models[m] = store.stats(m)
    for (const t of TASK_TYPES) {
      const s = store.stats(m, t)
      if (s.attempts > 0) (types[m] ??= {})[t] = s
    }
  }
  const today = localDate(new Date())
  const saved: SavedTotals = {
    saved_at: new Date().toISOString(),
    location: store.location,
    models,
    model_types: types,
    tokens: {[today]: {claude: store.tokensToday('claude'), external: store.tokensToday('external')}},
    cascade: store.cascade(),
  }
  await mkdir(join(file, '..'), {recursive: true})
  await writeFileAtomic(file, JSON.stringify(saved), {mode: 0o600})
}

/** `cto task` while the team store is unreachable: the last totals plus this machine's spooled attempts. */
export class OfflineTeamStore implements TaskStore {
  readonly kind = 'postgres-offline'

  private constructor(
    readonly location: string,
    private readonly spool: Spool,
    private readonly saved: SavedTotals | undefined,
    private readonly clock: () => Date,
    private spooled: Record<ModelGroup, number>,
  ) {}

  static async open(o: {spool: Spool; cache: string; clock: () => Date; location: string}): Promise<OfflineTeamStore> {
    const {readFile} = await import('node:fs/promises')
    let saved: SavedTotals | undefined
    try {
      saved = JSON.parse(await readFile(o.cache, 'utf8')) as SavedTotals
    } catch {
      saved = undefined
    }
    const spooled = await o.spool.tokensOn(localDate(o.clock()))
    return new OfflineTeamStore(`${o.location} (unreachable; spool ${o.spool.dir})`, o.spool, saved, o.clock, spooled)
  }

  get totalsAge(): string {
    return this.saved ? this.saved.saved_at : 'nowhere (none saved on this machine yet)'
  }

  stats(model: string, taskType?: TaskType): PerfStats {
    const s = taskType === undefined ? this.saved?.models[model] : this.saved?.model_types[model]?.[taskType]
    return s ? {...s} : emptyStats()
  }

  tokensToday(group: ModelGroup): number {
    return (this.saved?.tokens[localDate(this.clock())]?.[group] ?? 0) + this.spooled[group]
  }

  async record(attempt: AttemptRecord): Promise<void> {
    const {normalizeAttempt} = await import('./attempt-schema.js')
    const r = normalizeAttempt(attempt)
    if (!r.ok) throw new Error(`Attempt is not a valid record (${r.problem}); nothing was recorded.`)
    await this.spool.add([r.value])
    if (localDate(new Date(r.value.time)) === localDate(this.clock())) this.spooled[r.value.group] += r.value.input_tokens + r.value.output_tokens
  }

  cascade(): CascadeStateJson | null {
    return this.saved?.cascade ?? null
  }

  async refresh(): Promise<void> {}

  async close(): Promise<void> {}
}

/** For commands that don't load the whole context (`cto perf …`, `cto store …`): settings from config files and the environment, then the store. */
export async function openConfiguredStore(o: {env?: NodeJS.ProcessEnv; cwd?: string; onWarning?: (message: string) => void; clock?: () => Date}): Promise<AnyPerfStore> {
  const env = o.env ?? process.env
  const {readStoreSettings} = await import('./store-settings.js')
  const {recordingUser} = await import('./identity.js')
  const settings = await readStoreSettings({env, cwd: o.cwd})
  return openPerfStore({settings, env, onWarning: o.onWarning, clock: o.clock, user: recordingUser(env)})
}
