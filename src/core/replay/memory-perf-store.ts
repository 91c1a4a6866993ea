/**
 * An in-memory performance store: the PerfReader the router reads plus `record`, for the replay
 * and for tests. Same counting rules as the real store (src/core/store): success = approved when
 * reviewed, else engine success; an attempt counts as escalated when a later attempt of the same
 * task follows it.
 */
import type {ModelGroup, TaskType} from '../providers/spec.js'
import type {AttemptRecord, PerfReader, PerfStats} from '../store/types.js'

export interface AttemptRecorder {
  record(attempt: AttemptRecord): void | Promise<void>
}

export function emptyStats(): PerfStats {
  return {attempts: 0, successes: 0, quality_count: 0, quality_sum: 0, input_tokens: 0, output_tokens: 0, cost_usd: 0, duration_ms: 0, escalations: 0, tasks: 0}
}

function localDate(d: Date): string {
  return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`
}

export class MemoryPerfStore implements PerfReader, AttemptRecorder {
  private readonly byKey = new Map<string, PerfStats>()
  private readonly tasksByKey = new Map<string, Set<string>>()
  private readonly lastAttempt = new Map<string, {model: string; type: TaskType}>()
  private readonly tokensByDay = new Map<string, number>()
  private readonly now: () => Date
  readonly records: AttemptRecord[] = []

  constructor(options: {clock?: () => Date; keepRecords?: boolean} = {}) {
    this.now = options.clock ?? (() => new Date())
    this.keep = options.keepRecords ?? false
  }

  private readonly keep: boolean

  stats(model: string, taskType?: TaskType): PerfStats {
    return {...(this.byKey.get(taskType ? `${model}\u0000${taskType}` : model) ?? emptyStats())}
  }

  tokensToday(group: ModelGroup): number {
    return this.tokensByDay.get(`${localDate(this.now())}\u0000${group}`) ?? 0
  }

  record(a: AttemptRecord): void {
    if (this.keep) this.records.push(a)
    const previous = this.lastAttempt.get(a.task_id)
    if (previous && a.escalation_step > 0) {
      this.bump(previous.model, previous.type, (s) => {
        s.escalations += 1
      })
    }
    this.lastAttempt.set(a.task_id, {model: a.model, type: a.task_type})
    const success = a.approved ?? a.success
    this.bump(a.model, a.task_type, (s, key) => {
      s.attempts += 1
      if (success) s.successes += 1
      if (a.quality !== undefined) {
        s.quality_count += 1
        s.quality_sum += a.quality
      }
      s.input_tokens += a.input_tokens
      s.output_tokens += a.output_tokens
      s.cost_usd += a.cost_usd
      s.duration_ms += a.duration_ms
      let tasks = this.tasksByKey.get(key)
      if (!tasks) this.tasksByKey.set(key, (tasks = new Set()))
      tasks.add(a.task_id)
      s.tasks = tasks.size
    })
    const day = `${localDate(new Date(a.time))}\u0000${a.group}`
    this.tokensByDay.set(day, (this.tokensByDay.get(day) ?? 0) + a.input_tokens + a.output_tokens)
  }

  private bump(model: string, type: TaskType, change: (s: PerfStats, key: string) => void): void {
    for (const key of [model, `${model}\u0000${type}`]) {
      let s = this.byKey.get(key)
      if (!s) this.byKey.set(key, (s = emptyStats()))
      change(s, key)
    }
  }
}
