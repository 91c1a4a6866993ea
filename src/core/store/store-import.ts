/**
 * `cto perf import FILE`: all or nothing, validated, streamed.
 *
 * Pass 1 (no lock): read the file once, validate every record (the zod schemas, with bounds) and
 * collect every problem with its line number; keep one 8-byte hash per attempt (import-dedup.ts)
 * and the file's sha256. Any problem: nothing is written, and the error lists them.
 * Pass 2 (under the lock): find which attempts are already in the store (only segments whose
 * time range overlaps the file's are read), read the file again, append the new records, check
 * the file's sha256 is unchanged, then commit once. A crash, a full disk or a lost lock before
 * that commit leaves nothing counted (an import that hit ENOSPC once kept 44 of 200 records).
 *
 * Memory: constant but for 8 bytes per attempt (80 MB at 10 M) and the exact keys of duplicates.
 */
import {EXIT} from '../exit-codes.js'
import {CtoError} from '../errors.js'
import {readImportSource, type ImportItem, type SourceInfo} from './import-source.js'
import {HashCollector, keyHash, type SortedHashes} from './import-dedup.js'
import {readSegment} from './segment-io.js'
import {segmentFile} from './store-layout.js'
import {attemptKey, type BaselineLine} from './store-line.js'
import type {PendingLine, WriteSession} from './write-session.js'
import type {AttemptRecord, ImportResult} from './types.js'

const MAX_LISTED = 10

export interface ValidatedImport {
  info: SourceInfo
  attempts: number
  baselines: number
  hashes: SortedHashes
  minTime?: string
  maxTime?: string
  /** model_performance.json: its baselines (small, kept). */
  legacy?: BaselineLine[]
  notes: string[]
}

/** validateImport, with a file that can't be read at all (missing, a folder, no permission) as PERF_IMPORT_UNREADABLE: for every store. */
export async function validateImportFile(file: string, importedAt: string): Promise<ValidatedImport> {
  try {
    return await validateImport(file, importedAt)
  } catch (error) {
    if (CtoError.isInstance(error)) throw error
    const e = error as NodeJS.ErrnoException
    throw new CtoError({
      code: 'PERF_IMPORT_UNREADABLE',
      message: `Cannot read ${file}: ${e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'it is a folder' : e.message}. Nothing was imported.`,
      actions: ['Check the path, then run "cto perf import FILE" again.'],
      // A path to no file is a bad argument (64), as for cto task --file and cto bench replay; any other read failure is 1.
      ...(e.code === 'ENOENT' || e.code === 'EISDIR' ? {exitCode: EXIT.usage} : {}),
      cause: error,
    })
  }
}

/** Pass 1. Throws PERF_IMPORT_INVALID listing the problems (with line numbers); writes nothing. */
export async function validateImport(file: string, importedAt: string): Promise<ValidatedImport> {
  const {normalizeAttempt, normalizeBaseline, statsSchema} = await import('./attempt-schema.js')
  const problems: string[] = []
  let problemCount = 0
  const problem = (p: string) => {
    problemCount += 1
    if (problems.length < MAX_LISTED) problems.push(p)
  }
  const collector = new HashCollector()
  let baselines = 0
  let minTime: string | undefined
  let maxTime: string | undefined
  const info = await readImportSource(file, (items) => {
    for (const item of items) {
      if (item.kind === 'unparsable') problem(`${item.where}: ${item.value as string}`)
      else if (item.kind === 'baseline') {
        const r = normalizeBaseline(item.value)
        if (r.ok) baselines += 1
        else problem(`${item.where}: ${r.problem}`)
      } else {
        const r = normalizeAttempt(item.value)
        if (!r.ok) {
          problem(`${item.where}: ${r.problem}`)
          continue
        }
        collector.add(keyHash(attemptKey(r.value)))
        const t = r.value.time
        if (minTime === undefined || t < minTime) minTime = t
        if (maxTime === undefined || t > maxTime) maxTime = t
      }
    }
  })
  const result: ValidatedImport = {info, attempts: collector.count, baselines, hashes: collector.sorted(), minTime, maxTime, notes: []}
  if (info.format === 'model_performance') {
    const {readModelPerformance} = await import('./legacy-performance.js')
    const reading = readModelPerformance(info.document as Record<string, unknown>, {source: file, sha256: info.sha256, importedAt}, (stats) => {
      const r = statsSchema.safeParse(stats)
      return r.success ? undefined : `${r.error.issues[0].path.join('.')}: ${r.error.issues[0].message}`
    })
    for (const p of reading.problems) problem(p)
    result.legacy = reading.baselines
    result.baselines = reading.baselines.length
    result.notes.push(...reading.notes)
  }
  if (problemCount > 0) {
    throw new CtoError({
      code: 'PERF_IMPORT_INVALID',
      message: `${file} has ${problemCount} invalid record(s) or value(s); nothing was imported.\n${problems.join('\n')}${problemCount > problems.length ? `\n… and ${problemCount - problems.length} more` : ''}`,
      actions: ['Fix or remove those records, then import again.'],
    })
  }
  return result
}

/** Pass 2, under the lock: append what is new, commit once. */
export async function writeImport(session: WriteSession, file: string, v: ValidatedImport): Promise<ImportResult> {
  const {shapeAttempt, shapeBaseline} = await import('./attempt-schema.js')
  const result: ImportResult = {file, format: v.info.format, attempts_added: 0, duplicates_skipped: 0, baselines_added: 0, already_imported: false, notes: [...v.notes]}
  const imported = new Set(session.next.totals.imports)
  const existing = await existingKeys(session, v)
  const repeated = v.hashes.repeated()
  const seen = new Set<string>()

  const addBaselines = async (lines: BaselineLine[]) => {
    const fresh: PendingLine[] = []
    for (const b of lines) {
      if (imported.has(b.source_sha256)) {
        result.already_imported = true
        continue
      }
      fresh.push({json: JSON.stringify(b), line: b})
      result.baselines_added += 1
    }
    await session.append(fresh)
  }

  if (v.legacy) {
    await addBaselines(v.legacy.map((b) => shapeBaseline(b)))
  } else {
    const again = await readImportSource(file, async (items: ImportItem[]) => {
      const fresh: PendingLine[] = []
      const baselines: BaselineLine[] = []
      for (const item of items) {
        if (item.kind === 'baseline') {
          baselines.push(shapeBaseline(item.value as BaselineLine))
          continue
        }
        const a = shapeAttempt(item.value as AttemptRecord)
        const key = attemptKey(a)
        if (existing.has(key)) {
          result.duplicates_skipped += 1
          continue
        }
        if (repeated.has(keyHash(key))) {
          if (seen.has(key)) {
            result.duplicates_skipped += 1
            continue
          }
          seen.add(key)
        }
        fresh.push({json: JSON.stringify(a), line: a})
        result.attempts_added += 1
      }
      await session.append(fresh)
      await addBaselines(baselines)
    })
    if (again.sha256 !== v.info.sha256) {
      throw new CtoError({
        code: 'PERF_IMPORT_CHANGED',
        message: `${file} changed while it was being imported; nothing was imported.`,
        actions: ['Import it again once nothing is writing to it.'],
      })
    }
  }
  if (result.already_imported) result.notes.push(`${file} was imported before (same content); its totals were not added again.`)
  if (result.attempts_added + result.baselines_added > 0) await session.commit()
  return result
}

/** Exact keys of the store's attempts whose hash is among the file's (only segments overlapping the file's time range are read). */
async function existingKeys(session: WriteSession, v: ValidatedImport): Promise<Set<string>> {
  const keys = new Set<string>()
  if (v.attempts === 0 || v.minTime === undefined || v.maxTime === undefined) return keys
  const {minTime, maxTime} = v
  for (const seg of await session.segments()) {
    if (!seg.min_time || !seg.max_time || seg.max_time < minTime || seg.min_time > maxTime) continue
    await readSegment(segmentFile(session.paths, seg.id), seg, (line) => {
      const record = line.bytes.toString('utf8', line.recStart, line.recEnd)
      if (!record.startsWith('{"time":"')) return
      const a = JSON.parse(record) as AttemptRecord
      if (a.time < minTime || a.time > maxTime) return
      const key = attemptKey(a)
      if (v.hashes.has(keyHash(key))) keys.add(key)
    })
  }
  return keys
}
