/**
 * `cto perf --by user`: one row per person who ran attempts (the record's `user`: CTO_USER or
 * user@host), over the raw attempts that pass the filters. The local store folds them here from a
 * scan; the team store asks PostgreSQL for the same numbers (pg/pg-summary.ts). Escalations and
 * distinct tasks count among the attempts shown.
 */
import {emptyAggregates, foldAttempt} from './aggregates.js'
import {perfRow} from './perf-summary.js'
import type {AttemptRecord, PerfStats, PerfSummaryOptions, UserRow} from './types.js'

export const UNKNOWN_USER = '(unknown)'

export function userRow(user: string, stats: PerfStats, models: string[]): UserRow {
  const {model: _model, task_type: _type, ...rest} = perfRow(user, stats)
  return {user, ...rest, models}
}

export const byAttempts = (a: UserRow, b: UserRow) => b.attempts - a.attempts || a.user.localeCompare(b.user)

/** Folds attempts into per-user rows; call `add` for each attempt, then `rows()`. */
export class UserFold {
  private readonly doc = emptyAggregates()
  private readonly models = new Map<string, Map<string, number>>()

  constructor(private readonly opts: Pick<PerfSummaryOptions, 'since' | 'type' | 'model'> = {}) {}

  add(r: AttemptRecord): void {
    if (this.opts.type && r.task_type !== this.opts.type) return
    if (this.opts.model !== undefined && r.model !== this.opts.model) return
    if (this.opts.since && r.time < this.opts.since.toISOString()) return
    const user = r.user ?? UNKNOWN_USER
    // The fold counts per "model": here the person stands in that place.
    foldAttempt(this.doc, {...r, model: user})
    const m = this.models.get(user) ?? new Map<string, number>()
    m.set(r.model, (m.get(r.model) ?? 0) + 1)
    this.models.set(user, m)
  }

  rows(): UserRow[] {
    return Object.entries(this.doc.models)
      .map(([user, stats]) => {
        const models = [...(this.models.get(user) ?? new Map<string, number>()).entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([m]) => m)
        return userRow(user, stats, models)
      })
      .sort(byAttempts)
  }
}
