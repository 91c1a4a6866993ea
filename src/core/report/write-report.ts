/**
 * Where the report goes and how it gets there: `--out FILE` (a folder gets perf-report.html
 * inside it), else `<dataDir>/reports/perf-report.html`. Written to a temp name and renamed, so
 * a report being rewritten is never seen half-written and a failed write leaves the old one.
 */
import {mkdir, stat} from 'node:fs/promises'
import {dirname, join, resolve} from 'node:path'
import {CtoError} from '../errors.js'
import {dataDir} from '../paths.js'

export const REPORT_FILE_NAME = 'perf-report.html'

export async function reportPath(out: string | undefined, env: NodeJS.ProcessEnv, cwd: string): Promise<string> {
  if (out === undefined) return join(dataDir(env), 'reports', REPORT_FILE_NAME)
  const path = resolve(cwd, out)
  const isDir = await stat(path).then(
    (s) => s.isDirectory(),
    () => out.endsWith('/'),
  )
  return isDir ? join(path, REPORT_FILE_NAME) : path
}

export async function writeReport(file: string, html: string): Promise<number> {
  const writeFileAtomic = (await import('write-file-atomic')).default
  try {
    await mkdir(dirname(file), {recursive: true})
    await writeFileAtomic(file, html, {encoding: 'utf8', mode: 0o644})
  } catch (error) {
    const e = error as NodeJS.ErrnoException
    const why =
      e.code === 'EACCES' || e.code === 'EPERM'
        ? 'permission denied'
        : e.code === 'ENOSPC'
          ? 'the disk is full'
          : e.code === 'EROFS'
            ? 'the file system is read-only'
            : e.code === 'ENOTDIR' || e.code === 'EEXIST'
              ? 'a file stands where a folder is needed'
              : e.message
    throw new CtoError({
      code: 'REPORT_WRITE_FAILED',
      message: `Cannot write the report to ${file}: ${why}. Nothing was written there.`,
      actions: ['Choose another place with --out FILE, e.g. "cto perf report --out ~/perf-report.html".'],
      cause: error,
    })
  }
  return Buffer.byteLength(html, 'utf8')
}
