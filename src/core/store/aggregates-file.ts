/**
 * The aggregates document on disk, kept with lowdb through an adapter that fixes what lowdb's own
 * file adapters lack for several processes: writes go through write-file-atomic (unique temp
 * name per process and call, fsync, rename), and reading tells a missing file from a corrupt one
 * instead of throwing a bare SyntaxError. Callers hold the store lock around read-modify-write.
 */
import {readFile} from 'node:fs/promises'
import {Low, type Adapter} from 'lowdb'
import writeFileAtomic from 'write-file-atomic'
import {checkAggregates, emptyAggregates, type AggregatesDoc} from './aggregates.js'

/** Thrown by the adapter when the file exists but is not a valid aggregates document. */
export class CorruptAggregatesError extends Error {
  constructor(readonly file: string, readonly reason: string) {
    super(`${file} is not a valid aggregates file: ${reason}`)
    this.name = 'CorruptAggregatesError'
  }
}

export class AtomicAggregatesAdapter implements Adapter<AggregatesDoc> {
  constructor(readonly file: string) {}

  async read(): Promise<AggregatesDoc | null> {
    let text: string
    try {
      text = await readFile(this.file, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw error
    }
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch (error) {
      throw new CorruptAggregatesError(this.file, text.length === 0 ? 'the file is empty' : (error as Error).message)
    }
    const problem = checkAggregates(value)
    if (problem) throw new CorruptAggregatesError(this.file, problem)
    return value as AggregatesDoc
  }

  async write(data: AggregatesDoc): Promise<void> {
    await writeFileAtomic(this.file, JSON.stringify(data), {fsync: false})
  }
}

export type AggregatesRead = {status: 'ok'; doc: AggregatesDoc} | {status: 'missing'} | {status: 'corrupt'; reason: string}

export class AggregatesFile {
  private readonly db: Low<AggregatesDoc>
  constructor(readonly file: string) {
    this.db = new Low(new AtomicAggregatesAdapter(file), emptyAggregates())
  }

  async read(): Promise<AggregatesRead> {
    this.db.data = undefined as unknown as AggregatesDoc
    try {
      await this.db.read()
    } catch (error) {
      if (error instanceof CorruptAggregatesError) return {status: 'corrupt', reason: error.reason}
      throw error
    }
    return this.db.data ? {status: 'ok', doc: this.db.data} : {status: 'missing'}
  }

  async write(doc: AggregatesDoc): Promise<void> {
    this.db.data = doc
    await this.db.write()
  }
}
