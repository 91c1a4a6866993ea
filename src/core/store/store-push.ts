/**
 * `cto store push`: this machine's local history (the files store) copied into the team store.
 * It is `cto perf export` from one and `cto perf import` into the other, through a temp file in
 * the team folder: validated, all or nothing, and idempotent: an attempt already in the team
 * store (same attempt id) is skipped, a model_performance.json already imported is not added
 * again, so pushing twice counts everything once. The local store is left as it is.
 */
import {mkdir, rm} from 'node:fs/promises'
import {join} from 'node:path'
import {CtoError} from '../errors.js'
import {openPerfStore, teamDir} from './open-perf-store.js'
import type {StoreSettings} from './store-settings.js'

export interface PushResult {
  from: string
  to: string
  /** Records in the local store. */
  local_attempts: number
  local_baselines: number
  attempts_added: number
  duplicates_skipped: number
  baselines_added: number
  already_imported: boolean
}

export async function pushLocalHistory(o: {settings: StoreSettings; env: NodeJS.ProcessEnv; user?: string; onWarning?: (m: string) => void}): Promise<PushResult> {
  if (o.settings.kind !== 'postgres') {
    throw new CtoError({
      code: 'STORE_PUSH_NO_TEAM',
      message: 'cto store push copies this machine\'s history into a team store, and none is set.',
      actions: ['Set CTO_STORE_URL=postgres://USER:PASSWORD@HOST:PORT/DATABASE (or "store": {"url": …} in your config), then run it again.'],
    })
  }
  const {openStore} = await import('./perf-store.js')
  const local = await openStore({env: o.env, onWarning: o.onWarning})
  const team = await openPerfStore({settings: o.settings, env: o.env, onWarning: o.onWarning, user: o.user})
  const dir = teamDir(o.env, o.settings)
  const file = join(dir, `push-${process.pid}-${Date.now()}.jsonl`)
  try {
    await mkdir(dir, {recursive: true})
    const exported = await local.export('jsonl', file)
    const imported = await team.import(file)
    return {
      from: local.location,
      to: team.location,
      local_attempts: exported.attempts,
      local_baselines: exported.baselines,
      attempts_added: imported.attempts_added,
      duplicates_skipped: imported.duplicates_skipped,
      baselines_added: imported.baselines_added,
      already_imported: imported.already_imported,
    }
  } finally {
    await rm(file, {force: true})
    await team.close()
  }
}
