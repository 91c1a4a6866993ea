/**
 * Every error the store can meet on a real disk becomes a CtoError that names the path and the
 * fix, exit 1: a full disk, a read-only mount, missing permissions, a folder where a file should
 * be (or the reverse), a symbolic-link loop. Before, these surfaced as `ENOSPC … write` with no
 * path, or as an "internal error, report it if it looks like a bug" — for conditions a user can
 * fix in a minute.
 *
 * Node puts the path on errors from path-based calls (`err.path`, and `err.dest` for rename and
 * link), not on errors from a file handle (`fh.write` → ENOSPC has no path): callers that write
 * through a handle pass the path they opened.
 */
import {CtoError} from '../errors.js'

export type StoreDoing = 'record' | 'read' | 'import' | 'export' | 'reset' | 'repair' | 'lock'

const WHAT: Record<StoreDoing, string> = {
  record: 'Nothing was recorded',
  read: 'Nothing was changed',
  import: 'Nothing was imported',
  export: 'The export was not written',
  reset: 'Nothing was reset',
  repair: 'Nothing was repaired',
  lock: 'Nothing was changed',
}

function fixFor(code: string, path: string): {why: string; actions: string[]} | undefined {
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return {
        why: `the disk holding ${path} is full${code === 'EDQUOT' ? ' (quota exceeded)' : ''}`,
        actions: [`Free some space there (see "df -h ${path}"), then run the command again.`, 'Or set CTO_DATA_DIR to a folder on another disk.'],
      }
    case 'EROFS':
      return {
        why: `${path} is on a read-only file system`,
        actions: ['Remount it read-write, or set CTO_DATA_DIR to a writable folder.', 'Reading ("cto perf", "cto perf export") still works on a read-only store.'],
      }
    case 'EACCES':
    case 'EPERM':
      return {
        why: `no permission to use ${path}`,
        actions: [`Give your user access ("sudo chown -R $USER ${path}"), or set CTO_DATA_DIR to a folder you own.`],
      }
    case 'EISDIR':
      return {
        why: `${path} is a folder where cto expects a file`,
        actions: [`Move it out of the way ("mv ${path} ${path}.moved"), then run the command again.`],
      }
    case 'ENOTDIR':
      return {
        why: `part of ${path} is a file where cto expects a folder`,
        actions: [`Move that file out of the way, or set CTO_DATA_DIR to another folder.`],
      }
    case 'ELOOP':
      return {
        why: `${path} is a symbolic link that loops back on itself`,
        actions: [`Remove the link ("rm ${path}") or point it at a real folder, then run the command again.`],
      }
    case 'EMFILE':
    case 'ENFILE':
      return {why: 'too many files are open', actions: ['Raise the limit ("ulimit -n 4096") or close other programs, then run the command again.']}
    case 'EIO':
      return {why: `the disk reported an I/O error on ${path}`, actions: ['Check the disk ("dmesg", "smartctl"), then run "cto perf check".']}
    case 'ENAMETOOLONG':
      return {why: `the path ${path} is too long`, actions: ['Set CTO_DATA_DIR to a shorter folder.']}
    default:
      return undefined
  }
}

export function isErrno(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string' && typeof (error as NodeJS.ErrnoException).syscall === 'string'
}

/**
 * Turn a file-system error into a CtoError naming the path and the fix. `path` is used when the
 * error carries none (file-handle calls). CtoErrors and non-file-system errors pass through.
 */
export function storeFsError(error: unknown, doing: StoreDoing, path?: string): unknown {
  if (CtoError.isInstance(error) || !isErrno(error)) return error
  const where = (error as NodeJS.ErrnoException & {dest?: string}).path ?? path ?? '(the performance store)'
  const fix = fixFor(error.code as string, where)
  if (!fix) {
    return new CtoError({
      code: 'PERF_STORE_FS',
      message: `${error.code} from ${error.syscall} on ${where}. ${WHAT[doing]}.`,
      actions: [`Check ${where} (it should be a folder or file cto can read and write), then run the command again.`],
      cause: error,
    })
  }
  return new CtoError({
    code: `PERF_STORE_${error.code}`,
    message: `Cannot ${doing === 'lock' ? 'lock the store' : doing === 'read' ? 'read the store' : doing}: ${fix.why} (${error.code} from ${error.syscall}). ${WHAT[doing]}.`,
    actions: fix.actions,
    cause: error,
  })
}

/** File-handle calls fail without a path (`ENOSPC: write`): put `file` on the error. */
export async function withPath<T>(file: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (error) {
    if (isErrno(error) && !error.path) error.path = file
    throw error
  }
}

/** Run `fn`; a file-system error becomes a CtoError naming `path` (when the error has none) and the fix. */
export async function fsStep<T>(doing: StoreDoing, path: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (error) {
    throw storeFsError(error, doing, path)
  }
}

/**
 * A writer that lost the lock (paused past the stale time, and another process took over): its
 * record was NOT stored. Said plainly, so a retry is safe and does not duplicate anything.
 */
export function lockLostError(detail: string, doing: StoreDoing = 'record'): CtoError {
  return new CtoError({
    code: 'PERF_STORE_LOCK_LOST',
    message: `This process lost the performance store lock (${detail}): another cto process took it over while this one was paused. ${WHAT[doing]}; the store is as the other process left it.`,
    actions: ['Run the command again: nothing of this attempt was kept, so nothing will be counted twice.'],
  })
}
