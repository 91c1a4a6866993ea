/**
 * `--since`: a duration back from now (`30m`, `12h`, `7d`, `2w`), a calendar date (`2025-01-31`) or
 * an ISO time (`2025-01-31T09:00`, `…Z`, `…+02:00`). Strict: a date that does not exist
 * (`2025-13-45`, `2025-02-30`) or any other shape is a usage error, where `Date.parse` would have
 * rolled it over into another day. The conversion itself is the store's `parseSince`.
 */
import {Flags} from '@oclif/core'
import {UsageError} from '../errors.js'
import {parseSince} from '../store/since.js'

const DURATION = /^\d+\s*[mhdw]$/i
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):?(\d{2}))?$/i

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate()
}

function bad(value: string, why: string): UsageError {
  return new UsageError({
    code: 'BAD_SINCE',
    message: `Cannot read --since "${value}": ${why}. Use a duration such as 7d, 12h, 30m, 2w, a date such as 2025-01-31, or a time such as 2025-01-31T09:00.`,
    actions: ['cto perf --since 7d'],
  })
}

export function parseSinceStrict(value: string, now: Date = new Date()): Date {
  const v = value.trim()
  if (DURATION.test(v)) return parseSince(v, now)
  const m = DATE.exec(v) ?? DATE_TIME.exec(v)
  if (!m) throw bad(value, 'not a duration, a date or a time')
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])]
  if (month < 1 || month > 12) throw bad(value, `there is no month ${month}`)
  if (day < 1 || day > daysIn(year, month)) throw bad(value, `${year}-${m[2]} has no day ${day}`)
  if (m[4] !== undefined) {
    const [hour, minute, second] = [Number(m[4]), Number(m[5]), Number(m[6] ?? 0)]
    if (hour > 23 || minute > 59 || second > 59) throw bad(value, 'no such time of day')
    if (m[8] !== undefined && (Number(m[8]) > 23 || Number(m[9]) > 59)) throw bad(value, 'no such time zone offset')
  }
  return parseSince(v.replace(' ', 'T'), now)
}

export const sinceFlag = Flags.custom<Date>({
  helpValue: '7d|2025-01-31',
  parse: async (input) => parseSinceStrict(input),
})
