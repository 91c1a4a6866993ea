/**
 * The task log: every task's decisions and attempts, one JSON line each, appended to
 * `<dataDir>/logs/tasks.jsonl` (shown by `cto status`). Keys are redacted before anything is written.
 */
import {appendFile, mkdir} from 'node:fs/promises'
import {join} from 'node:path'
import {dataDir} from '../paths.js'
import {redact} from '../engines/redact.js'

export function taskLogPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(dataDir(env), 'logs', 'tasks.jsonl')
}

export class TaskLog {
  private readonly lines: string[] = []
  constructor(
    private readonly taskId: string,
    private readonly secrets: Array<string | undefined>,
    private readonly now: () => number = Date.now,
  ) {}

  add(event: string, data: Record<string, unknown>): void {
    this.lines.push(redact(JSON.stringify({time: new Date(this.now()).toISOString(), task_id: this.taskId, event, ...data}), this.secrets))
  }

  /** Appends what was collected; a log that can't be written costs a warning, never the task. */
  async flush(env: NodeJS.ProcessEnv): Promise<string | undefined> {
    if (this.lines.length === 0) return undefined
    const file = taskLogPath(env)
    try {
      await mkdir(join(file, '..'), {recursive: true})
      await appendFile(file, `${this.lines.join('\n')}\n`, {mode: 0o600})
      this.lines.length = 0
      return undefined
    } catch (error) {
      return `Could not write the task log ${file}: ${(error as Error).message}`
    }
  }
}
