/**
 * An in-memory performance store: the PerfReader the router reads plus `record`, for the replay
 * and for tests. It folds attempts with the real store's own code (src/core/store/aggregates.ts),
 * so the counting rules can't drift apart: success = approved when reviewed, else engine success;
 * an attempt counts as escalated when a later attempt of the same task follows it.
 */
import type {ModelGroup, TaskType} from '../providers/spec.js'
import {emptyAggregates, emptyStats, foldAttempt, localDate} from '../store/aggregates.js'
import type {AttemptRecord, PerfReader, PerfStats} from '../store/types.js'

export interface AttemptRecorder {
  record(attempt: AttemptRecord): void | Promise<void>
}

export class MemoryPerfStore implements PerfReader, AttemptRecorder {
  private readonly doc = emptyAggregates()
  private readonly now: () => Date
  private readonly keep: boolean
  readonly records: AttemptRecord[] = []

  constructor(options: {clock?: () => Date; keepRecords?: boolean} = {}) {
    this.now = options.clock ?? (() => new Date())
    this.keep = options.keepRecords ?? false
  }

  stats(model: string, taskType?: TaskType): PerfStats {
    const s = taskType === undefined ? this.doc.models[model] : this.doc.model_types[model]?.[taskType]
    return s ? {...s} : emptyStats()
  }

  tokensToday(group: ModelGroup): number {
    return this.doc.tokens_by_day[localDate(this.now())]?.[group] ?? 0
  }

  record(a: AttemptRecord): void {
    if (this.keep) this.records.push(a)
    foldAttempt(this.doc, a)
  }
}
