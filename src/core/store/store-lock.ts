/**
 * The store's cross-process lock: proper-lockfile's `mkdir` lock (atomic on local file systems),
 * refreshed while held and taken over when stale, so a `cto` killed while holding it blocks
 * others for at most `staleMs`.
 */
import {mkdir} from 'node:fs/promises'
import {join} from 'node:path'
import lockfile from 'proper-lockfile'
import {CtoError} from '../errors.js'

export interface StoreLockOptions {
  /** The store folder; the lock is the folder `<dir>/store.lock`. */
  dir: string
  /** A lock whose holder stopped refreshing it this long ago is taken over (min 2000). */
  staleMs: number
}

/** Run `fn` while holding the store lock. Throws if the lock was lost before `fn` finished. */
export async function withStoreLock<T>(opts: StoreLockOptions, fn: () => Promise<T>): Promise<T> {
  await mkdir(opts.dir, {recursive: true})
  const lockfilePath = join(opts.dir, 'store.lock')
  let compromised: Error | undefined
  let release: () => Promise<void>
  try {
    release = await lockfile.lock(join(opts.dir, 'store'), {
      lockfilePath,
      realpath: false,
      stale: opts.staleMs,
      // Up to ~2 × stale: long enough to outwait a dead holder's lock.
      retries: {retries: Math.ceil((opts.staleMs * 2) / 60), factor: 1.2, minTimeout: 5, maxTimeout: 60, randomize: true},
      onCompromised: (error) => {
        compromised = error
      },
    })
  } catch (error) {
    throw new CtoError({
      code: 'PERF_STORE_LOCKED',
      message: `The performance store at ${opts.dir} is locked by another cto process (${lockfilePath}).`,
      actions: [
        'Try again in a few seconds.',
        `If no cto process is running, remove the folder ${lockfilePath}.`,
      ],
      cause: error,
    })
  }
  try {
    const result = await fn()
    if (compromised) {
      throw new CtoError({
        code: 'PERF_STORE_LOCK_LOST',
        message: `Lost the performance store lock while writing (${compromised.message}); the write may have to be repeated.`,
        actions: ['Run the command again.'],
        cause: compromised,
      })
    }
    return result
  } finally {
    await release().catch(() => {})
  }
}
