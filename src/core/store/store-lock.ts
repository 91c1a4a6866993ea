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
  /** Give up waiting for a live holder after this long. Default: the larger of 30 s and 3 × staleMs. */
  waitMs?: number
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Run `fn` while holding the store lock. Throws if the lock was lost before `fn` finished. */
export async function withStoreLock<T>(opts: StoreLockOptions, fn: () => Promise<T>): Promise<T> {
  await mkdir(opts.dir, {recursive: true})
  const lockfilePath = join(opts.dir, 'store.lock')
  let compromised: Error | undefined
  let release: (() => Promise<void>) | undefined
  const deadline = Date.now() + (opts.waitMs ?? Math.max(30_000, 3 * opts.staleMs))
  let lastError: unknown
  let delay = 2
  // Our own wait loop (proper-lockfile's retries count attempts; we want a time budget that
  // does not run out when many processes queue on a busy machine).
  while (!release && Date.now() < deadline) {
    try {
      release = await lockfile.lock(join(opts.dir, 'store'), {
        lockfilePath,
        realpath: false,
        stale: opts.staleMs,
        retries: 0,
        onCompromised: (error) => {
          compromised = error
        },
      })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error
      lastError = error
      await sleep(delay / 2 + Math.random() * delay)
      delay = Math.min(delay * 1.5, 50)
    }
  }
  if (!release) {
    const error = lastError
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
  const unlock = release
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
    await unlock().catch(() => {})
  }
}
