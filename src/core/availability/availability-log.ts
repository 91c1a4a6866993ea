/**
 * Availability events: when a model could not be used because of the setup (setup-failure.ts), and
 * when it worked again. One JSON line each in `<dataDir>/availability.jsonl`, apart from the
 * performance store: these are facts about the user's machine and keys, not about the model's
 * quality, and the router must never learn from them as from results.
 *
 * A recorded problem holds while the model's setup is the same (a fingerprint of engine, endpoint,
 * model id, key and Claude binary: change the key or the endpoint and the model is tried again) and
 * for a while: 10 minutes for an endpoint that did not answer (a local server may be started; and
 * model-availability.ts checks such an endpoint again on each use, so a started server counts at once), a day
 * for a key the provider refused. A success clears it. Lines are appended (O_APPEND, one short line),
 * so concurrent cto processes don't tear each other's lines; only the last 256 KiB are read.
 */
import {createHash} from 'node:crypto'
import {appendFile, mkdir, open} from 'node:fs/promises'
import {dirname, join} from 'node:path'
import {dataDir} from '../paths.js'
import type {ResolvedModel} from '../providers/resolve.js'
import type {SetupProblem} from './setup-failure.js'

export interface AvailabilityEvent {
  time: string
  model: string
  available: boolean
  fingerprint: string
  code?: string
  reason?: string
  fix?: string
}

export interface Unavailable extends SetupProblem {
  /** When it was seen (ISO time), or null for a problem found without calling the model. */
  since: string | null
}

const HOLD_MS: Record<string, number> = {connection_refused: 10 * 60_000, dns_failed: 10 * 60_000, no_endpoint: 10 * 60_000}
const DEFAULT_HOLD_MS = 24 * 3_600_000
const TAIL_BYTES = 256 * 1024

export function availabilityLogPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(dataDir(env), 'availability.jsonl')
}

/** What the setup of a model is, as far as availability goes; the key enters only as part of a hash. */
export function setupFingerprint(model: ResolvedModel, env: NodeJS.ProcessEnv): string {
  const parts = [model.engine, model.baseURL ?? '', model.modelId, model.apiKey ?? '', model.engine === 'claude-cli' ? (env.CTO_CLAUDE_BIN ?? env.PATH ?? '') : '']
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 16)
}

async function readTail(file: string): Promise<string> {
  let handle
  try {
    handle = await open(file, 'r')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return ''
    throw error
  }
  try {
    const {size} = await handle.stat()
    const start = Math.max(0, size - TAIL_BYTES)
    const buffer = Buffer.alloc(size - start)
    await handle.read(buffer, 0, buffer.length, start)
    const text = buffer.toString('utf8')
    return start > 0 ? text.slice(text.indexOf('\n') + 1) : text
  } finally {
    await handle.close()
  }
}

export class AvailabilityLog {
  private latest = new Map<string, AvailabilityEvent>()

  private constructor(
    readonly file: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly now: () => number,
  ) {}

  static async open(opts: {env?: NodeJS.ProcessEnv; now?: () => number} = {}): Promise<AvailabilityLog> {
    const env = opts.env ?? process.env
    const log = new AvailabilityLog(availabilityLogPath(env), env, opts.now ?? Date.now)
    for (const line of (await readTail(log.file)).split('\n')) {
      if (!line.trim()) continue
      try {
        const e = JSON.parse(line) as AvailabilityEvent
        if (typeof e.model === 'string' && typeof e.available === 'boolean') log.latest.set(e.model, e)
      } catch {
        // A line cut short by a crash: the ones before and after still count.
      }
    }
    return log
  }

  /** The recorded problem that still holds for this model's current setup, if any. */
  problem(model: ResolvedModel): Unavailable | undefined {
    const e = this.latest.get(model.name)
    if (!e || e.available || e.fingerprint !== setupFingerprint(model, this.env)) return undefined
    const age = this.now() - Date.parse(e.time)
    if (!(age < (HOLD_MS[e.code ?? ''] ?? DEFAULT_HOLD_MS))) return undefined
    return {code: e.code ?? 'unavailable', reason: e.reason ?? 'unavailable', fix: e.fix ?? '', since: e.time}
  }

  async recordProblem(model: ResolvedModel, problem: SetupProblem): Promise<void> {
    await this.append({time: new Date(this.now()).toISOString(), model: model.name, available: false, fingerprint: setupFingerprint(model, this.env), code: problem.code, reason: problem.reason, fix: problem.fix})
  }

  /** The model answered: clears a recorded problem (writes only when there was one). */
  async recordWorking(model: ResolvedModel): Promise<void> {
    const e = this.latest.get(model.name)
    if (!e || e.available) return
    await this.append({time: new Date(this.now()).toISOString(), model: model.name, available: true, fingerprint: setupFingerprint(model, this.env)})
  }

  private async append(event: AvailabilityEvent): Promise<void> {
    this.latest.set(event.model, event)
    await mkdir(dirname(this.file), {recursive: true})
    await appendFile(this.file, `${JSON.stringify(event)}\n`, {mode: 0o600})
  }
}
