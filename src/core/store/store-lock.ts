/**
 * The writers' lock: proper-lockfile's `mkdir` lock (atomic on local file systems), refreshed
 * while held and taken over when stale, so a `cto` killed while holding it blocks others for at
 * most `staleMs` (10 s by default).
 *
 * Staleness means a holder can lose the lock without knowing: a process stopped (SIGSTOP, a
 * laptop lid, a debugger) for longer than `staleMs` finds, on resuming, that someone else holds
 * it. So the lock is fenced: each holder draws a random token and writes it to
 * `store.lock.owner`; `assertHeld()` — called before every write — checks the file still holds
 * it — the very file this holder renamed there, by inode and nanosecond mtime, one stat() — and
 * that proper-lockfile saw no takeover. A check is not atomic with the write that
 * follows, so correctness does not rest on it alone: segment appends are verified in place and
 * the commit is an exclusive link (store-state.ts), which a stale writer cannot win. The check
 * makes a stale writer stop before writing anything in all but a microseconds-wide window.
 *
 * A stale lock is taken over by one process at a time (takeOverStale): proper-lockfile's own
 * takeover let two waiting writers both judge a dead holder's lock stale, and the second removed
 * the lock the first had just made (whose acquisition then failed with ENOENT, and whose clean-up
 * removed the second's lock in turn: seen in the killed-writers fault test). So proper-lockfile is
 * told a lock is never stale (it only makes and refreshes it, every staleMs / 2), and a waiter that
 * finds it stale takes `store.lock.takeover` (mkdir, atomic), checks again that the lock is stale,
 * removes it, and gives the guard back; a lock is removed only by its holder or under the guard.
 */
import {randomBytes} from 'node:crypto'
import {mkdir, rename, rm, rmdir, stat, writeFile} from 'node:fs/promises'
import {dirname, join} from 'node:path'
import lockfile from 'proper-lockfile'
import {CtoError} from '../errors.js'
import {faultPoint} from './fault-points.js'
import {fsyncDir} from './store-layout.js'
import {isErrno, lockLostError, withPath, type StoreDoing} from './store-errors.js'

export interface StoreLockOptions {
  /** The store folder; the lock is the folder `<dir>/store.lock`. */
  dir: string
  /** A lock whose holder stopped refreshing it this long ago is taken over (min 2000). */
  staleMs: number
  /** Give up waiting for a live holder after this long. Default: the larger of 30 s and 3 × staleMs. */
  waitMs?: number
  /** What the write is for, so "lock lost" says what was not done. */
  doing?: StoreDoing
}

export interface LockSession {
  readonly token: string
  /** Throws PERF_STORE_LOCK_LOST when this process no longer holds the lock. */
  assertHeld(): Promise<void>
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
/** What proper-lockfile is told a lock's stale time is: never, by its clock (takeOverStale decides). */
const NEVER_STALE = 2 ** 31 - 1

/** Whether the folder at `path` was last touched more than `staleMs` ago (false if it is not there). */
async function olderThan(path: string, staleMs: number): Promise<boolean> {
  try {
    return (await stat(path)).mtimeMs < Date.now() - staleMs
  } catch (error) {
    if (isErrno(error) && error.code === 'ENOENT') return false
    throw error
  }
}

/**
 * Removes the lock at `lockPath` if its holder stopped refreshing it `staleMs` ago, as the one
 * process holding `<lock>.takeover`; true when it did (the caller tries to lock at once). A guard
 * left by a process killed mid-takeover is itself stale after `staleMs`, and removed.
 */
async function takeOverStale(lockPath: string, staleMs: number): Promise<boolean> {
  if (!(await olderThan(lockPath, staleMs))) return false
  const guard = `${lockPath}.takeover`
  try {
    await mkdir(guard)
  } catch (error) {
    if (!isErrno(error) || error.code !== 'EEXIST') throw error
    if (await olderThan(guard, staleMs)) await rmdir(guard).catch(() => {})
    return false
  }
  try {
    // Checked again under the guard: another waiter may have taken it over and locked it meanwhile.
    if (!(await olderThan(lockPath, staleMs))) return false
    await rm(lockPath, {recursive: true, force: true})
    return true
  } finally {
    await rmdir(guard).catch(() => {})
  }
}

/** Run `fn` while holding the store lock. */
export async function withStoreLock<T>(opts: StoreLockOptions, fn: (session: LockSession) => Promise<T>): Promise<T> {
  const created = await mkdir(opts.dir, {recursive: true})
  if (created) await fsyncDir(dirname(opts.dir)).catch(() => {})
  const lockfilePath = join(opts.dir, 'store.lock')
  const ownerFile = join(opts.dir, 'store.lock.owner')
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
        stale: NEVER_STALE,
        update: Math.max(1000, opts.staleMs / 2),
        retries: 0,
        onCompromised: (error) => {
          compromised = error
        },
      })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error
      lastError = error
      if (await takeOverStale(lockfilePath, opts.staleMs)) continue
      await sleep(delay / 2 + Math.random() * delay)
      delay = Math.min(delay * 1.5, 50)
    }
  }
  if (!release) {
    throw new CtoError({
      code: 'PERF_STORE_LOCKED',
      message: `The performance store at ${opts.dir} is locked by another cto process (${lockfilePath}).`,
      actions: ['Try again in a few seconds.', `If no cto process is running, remove the folder ${lockfilePath}.`],
      cause: lastError,
    })
  }
  const unlock = release
  const token = randomBytes(12).toString('hex')
  let session: LockSession | undefined
  try {
    const tmp = `${ownerFile}.${token}`
    await withPath(tmp, () => writeFile(tmp, token))
    const mine = await stat(tmp, {bigint: true})
    await rename(tmp, ownerFile)
    faultPoint('locked')
    session = {
      token,
      async assertHeld() {
        if (compromised) throw lockLostError(compromised.message, opts.doing)
        // The owner file is ours while it is the very file we renamed there: same inode, same
        // nanosecond mtime (a successor renames a new file in; one stat, not a read).
        let owner
        try {
          owner = await stat(ownerFile, {bigint: true})
        } catch (error) {
          if (isErrno(error) && error.code === 'ENOENT') throw lockLostError(`${ownerFile} is gone`, opts.doing)
          throw error
        }
        if (owner.ino !== mine.ino || owner.mtimeNs !== mine.mtimeNs || owner.dev !== mine.dev) throw lockLostError('another process holds it now', opts.doing)
      },
    }
    return await fn(session)
  } finally {
    // A holder that lost the lock must not remove the lock folder: it is its successor's now.
    const held = session ? await session.assertHeld().then(() => true, () => false) : true
    if (held) await unlock().catch(() => {})
  }
}
