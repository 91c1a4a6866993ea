/**
 * Per-day rollups, for reports over time (`cto perf report`, issue 17) without reading raw
 * attempts: per local date, per model: attempts, successes, cost and tokens; per budget group:
 * tokens. Folded on every record like the totals (O(1) per attempt).
 *
 * Where they live: the rollup of the active segment's attempts travels with the state (a few
 * dates, rewritten on every record); when a segment is sealed (every ~4 MiB, ~10,000 attempts)
 * its rollup is added into the history file, which is written once per seal. So a record never
 * rewrites three years of days (1,100 dates × 8 models ≈ 0.5 MB of JSON), and the full series is
 * history + state: `mergeDays`. Imported model_performance.json totals have no dates and are not
 * in the rollups. A record that names who ran it (issue 16: `user`) is also summed per member.
 */
import {isSuccessful, localDate} from './aggregates.js'
import type {AttemptRecord, DayModelRollup, DayRollup} from './types.js'

export type DayRollups = Record<string, DayRollup>

export function foldDay(days: DayRollups, r: AttemptRecord): void {
  const date = localDate(new Date(r.time))
  const day = (days[date] ??= {models: {}, groups: {claude: 0, external: 0}})
  const m = (day.models[r.model] ??= {attempts: 0, successes: 0, cost_usd: 0, input_tokens: 0, output_tokens: 0})
  m.attempts += 1
  if (isSuccessful(r)) m.successes += 1
  m.cost_usd += r.cost_usd
  m.input_tokens += r.input_tokens
  m.output_tokens += r.output_tokens
  day.groups[r.group] += r.input_tokens + r.output_tokens
  const user = userOf(r)
  if (user !== undefined) {
    const u = ((day.users ??= {})[user] ??= {attempts: 0, successes: 0, cost_usd: 0, input_tokens: 0, output_tokens: 0})
    addModel(u, {attempts: 1, successes: isSuccessful(r) ? 1 : 0, cost_usd: r.cost_usd, input_tokens: r.input_tokens, output_tokens: r.output_tokens})
  }
}

/** Who ran an attempt, when its record names them (the team store's records do, issue 16). */
export function userOf(r: AttemptRecord): string | undefined {
  const user = (r as unknown as {user?: unknown}).user
  return typeof user === 'string' && user !== '' ? user : undefined
}

function addModel(into: DayModelRollup, from: DayModelRollup): void {
  into.attempts += from.attempts
  into.successes += from.successes
  into.cost_usd += from.cost_usd
  into.input_tokens += from.input_tokens
  into.output_tokens += from.output_tokens
}

/** Add `from` into `into` (both are sums over disjoint sets of attempts). */
export function addDays(into: DayRollups, from: DayRollups): void {
  for (const [date, d] of Object.entries(from)) {
    const day = (into[date] ??= {models: {}, groups: {claude: 0, external: 0}})
    day.groups.claude += d.groups.claude
    day.groups.external += d.groups.external
    for (const [model, m] of Object.entries(d.models)) {
      addModel((day.models[model] ??= {attempts: 0, successes: 0, cost_usd: 0, input_tokens: 0, output_tokens: 0}), m)
    }
    for (const [user, m] of Object.entries(d.users ?? {})) {
      addModel(((day.users ??= {})[user] ??= {attempts: 0, successes: 0, cost_usd: 0, input_tokens: 0, output_tokens: 0}), m)
    }
  }
}

export function mergeDays(...parts: DayRollups[]): DayRollups {
  const out: DayRollups = {}
  for (const p of parts) addDays(out, p)
  return out
}
