/**
 * The local spool of a team store: attempts `cto task` could not deliver because the database was
 * down or unreachable. One file per attempt (`<sha of the attempt id>.json`), written atomically
 * and fsynced before `record()` returns, in `<dataDir>/team/<store id>/spool/`.
 *
 * Delivery (the next command that reaches the database, any command): the files are read, sent
 * in batches through the same function as a live record, and each file is removed only after its
 * batch was committed. The database counts an attempt once per attempt id (a unique key), so a
 * delivery that dies after the commit and before the removal, or two commands delivering at
 * once, still counts every attempt exactly once. A file that can't be read back is moved to
 * `quarantine/`, never deleted.
 */
import {createHash} from 'node:crypto'
import {mkdir, readdir, readFile, rename, rm} from 'node:fs/promises'
import {join} from 'node:path'
import {localDate} from '../aggregates.js'
import {fsyncDir} from '../store-layout.js'
import {attemptId} from '../store-line.js'
import type {AttemptRecord} from '../types.js'

const FILE = /^[0-9a-f]{32}\.json$/
const BATCH = 500

export interface DeliveryResult {
  delivered: number
  /** Already in the database (a delivery that was cut short before it removed its files). */
  duplicates: number
  quarantined: number
  /** Still waiting: the database went away during the delivery. */
  left: number
}

export class Spool {
  constructor(readonly dir: string) {}

  private fileOf(a: AttemptRecord): string {
    return join(this.dir, `${createHash('sha256').update(attemptId(a)).digest('hex').slice(0, 32)}.json`)
  }

  /** Keep attempts (already validated) until they can be delivered; durable when this returns. */
  async add(attempts: readonly AttemptRecord[]): Promise<void> {
    const {default: writeFileAtomic} = await import('write-file-atomic')
    await mkdir(this.dir, {recursive: true})
    for (const a of attempts) await writeFileAtomic(this.fileOf(a), JSON.stringify(a), {fsync: true, mode: 0o600})
    await fsyncDir(this.dir)
  }

  async files(): Promise<string[]> {
    try {
      return (await readdir(this.dir)).filter((n) => FILE.test(n))
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw error
    }
  }

  async pending(): Promise<number> {
    return (await this.files()).length
  }

  /** Attempts waiting, oldest first (for the offline view of today's budget, and delivery). */
  async read(onBad?: (name: string, why: string) => Promise<void>): Promise<Array<{name: string; attempt: AttemptRecord}>> {
    const {normalizeAttempt} = await import('../attempt-schema.js')
    const out: Array<{name: string; attempt: AttemptRecord}> = []
    for (const name of await this.files()) {
      let text: string
      try {
        text = await readFile(join(this.dir, name), 'utf8')
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue // delivered by another command meanwhile
        throw error
      }
      let parsed: unknown
      try {
        parsed = JSON.parse(text)
      } catch (error) {
        await onBad?.(name, `not JSON (${(error as Error).message})`)
        continue
      }
      const r = normalizeAttempt(parsed)
      if (!r.ok) {
        await onBad?.(name, r.problem)
        continue
      }
      out.push({name, attempt: r.value})
    }
    return out.sort((a, b) => (a.attempt.time < b.attempt.time ? -1 : a.attempt.time > b.attempt.time ? 1 : a.name.localeCompare(b.name)))
  }

  /** Tokens of spooled attempts on one local date, per group (what this machine spent while offline). */
  async tokensOn(date: string): Promise<{claude: number; external: number}> {
    const out = {claude: 0, external: 0}
    for (const {attempt} of await this.read()) {
      if (localDate(new Date(attempt.time)) === date) out[attempt.group] += attempt.input_tokens + attempt.output_tokens
    }
    return out
  }

  /**
   * Send every waiting attempt with `send` (returns how many were new to the database), removing
   * each batch's files once `send` returned. Stops, keeping the rest, when `send` throws.
   */
  async deliver(send: (attempts: AttemptRecord[]) => Promise<number>, warn: (m: string) => void): Promise<DeliveryResult> {
    const result: DeliveryResult = {delivered: 0, duplicates: 0, quarantined: 0, left: 0}
    const quarantine = join(this.dir, 'quarantine')
    const items = await this.read(async (name, why) => {
      await mkdir(quarantine, {recursive: true})
      await rename(join(this.dir, name), join(quarantine, name)).catch(() => {})
      result.quarantined += 1
      warn(`A spooled attempt could not be read (${name}: ${why}); it was moved to ${quarantine} and not delivered.`)
    })
    for (let i = 0; i < items.length; i += BATCH) {
      const batch = items.slice(i, i + BATCH)
      let added: number
      try {
        added = await send(batch.map((b) => b.attempt))
      } catch (error) {
        result.left = items.length - i
        throw Object.assign(error as Error, {delivery: result})
      }
      result.delivered += added
      result.duplicates += batch.length - added
      for (const b of batch) await rm(join(this.dir, b.name), {force: true})
    }
    return result
  }
}
