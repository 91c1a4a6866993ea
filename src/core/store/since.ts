/**
 * `--since` values: a duration back from now (`30m`, `12h`, `7d`, `2w`) or a date/time
 * (`2025-01-31`, local midnight; or a full ISO time).
 */
import {CtoError} from '../errors.js'

const UNIT_MS: Record<string, number> = {m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000}

export function parseSince(value: string, now: Date = new Date()): Date {
  const v = value.trim()
  const rel = /^(\d+)\s*([mhdw])$/i.exec(v)
  if (rel) return new Date(now.getTime() - Number(rel[1]) * UNIT_MS[rel[2].toLowerCase()])
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v)
  if (day) return new Date(Number(day[1]), Number(day[2]) - 1, Number(day[3]))
  const t = Date.parse(v)
  if (!Number.isNaN(t)) return new Date(t)
  throw new CtoError({
    code: 'PERF_BAD_SINCE',
    message: `Cannot read --since "${value}": use a duration such as 7d, 12h, 30m, 2w, or a date such as 2025-01-31.`,
    actions: ['cto perf --since 7d'],
  })
}
