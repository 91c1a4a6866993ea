import {Flags} from '@oclif/core'
import {CtoCommand} from '../core/cli/base-command.js'
import {CtoError} from '../core/errors.js'
import type {LogEntry} from '../core/logs/task-log-reader.js'
import type {TaskDiffs} from '../core/workspace/task-folder.js'

export interface LogsResult {
  log: string
  /** Oldest first, as they are printed: the newest task is the last. */
  tasks: LogEntry[]
  /** With --diff: each attempt's kept change (patch, readable diff, test output), paths in the task's folder. */
  diffs?: TaskDiffs
}

export default class Logs extends CtoCommand {
  static override summary = 'Show the last tasks from the task log: model, status, cost, time, the task and the answer.'
  static override description =
    'Like "llm logs". Reads <data>/logs/tasks.jsonl (see "cto status"), from the end. --json gives every line each task logged under "events" (classification, route, escalations, the CTO\'s replies).'
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> -n 10',
    '<%= config.bin %> <%= command.id %> --task 5e2c41',
    '<%= config.bin %> <%= command.id %> --task 5e2c41 --diff',
    '<%= config.bin %> <%= command.id %> --json | jq ".tasks[-1].answer"',
  ]
  static override flags = {
    count: Flags.integer({char: 'n', description: 'How many of the last tasks.', default: 3, min: 0}),
    task: Flags.string({description: 'One task, by its id or the first characters of it.'}),
    truncate: Flags.integer({char: 't', description: 'Cut the task and the answer to this many characters.', min: 1}),
    diff: Flags.boolean({description: "With --task: each attempt's change as a diff (rejected ones too) and where its patch and test output are kept.", dependsOn: ['task']}),
  }

  async run(): Promise<LogsResult> {
    const {flags} = await this.parse(Logs)
    const {taskLogPath} = await import('../core/task/task-log.js')
    const {readTaskLog} = await import('../core/logs/task-log-reader.js')
    const log = taskLogPath()
    const newestFirst = await readTaskLog(log, {limit: flags.count, id: flags.task})
    if (flags.task && newestFirst.length === 0) {
      throw new CtoError({code: 'NO_SUCH_TASK', message: `No task ${flags.task} in the task log (${log}).`, actions: ['See the recent tasks and their ids with "cto logs -n 10".']})
    }
    const tasks = newestFirst.reverse()
    if (flags.diff) {
      const {findTaskDiffs} = await import('../core/workspace/task-folder.js')
      const diffs = await findTaskDiffs(tasks[0]?.id ?? flags.task!)
      if (!this.jsonEnabled()) await this.printDiffs(diffs)
      return {log, tasks, diffs}
    }
    if (!this.jsonEnabled()) {
      const {renderLogEntry} = await import('../core/logs/render-logs.js')
      const {terminalText} = await import('../core/cli/terminal-text.js')
      if (tasks.length === 0) this.log(`No tasks logged yet (${log}). Every "cto task" adds one.`)
      else this.log(terminalText(tasks.map((t) => renderLogEntry(t, {truncate: flags.truncate})).join('\n\n')))
    }
    return {log, tasks}
  }

  private async printDiffs(d: TaskDiffs): Promise<void> {
    const {readFile} = await import('node:fs/promises')
    const {terminalText} = await import('../core/cli/terminal-text.js')
    if (d.attempts.length === 0) this.log(`Task ${d.task_id} kept no attempts (it ran in place, or its workers changed nothing).`)
    for (const a of d.attempts) {
      const verdict = a.approved === true ? (a.applied === false ? 'approved, not applied (conflict)' : 'approved') : a.approved === false ? 'rejected' : 'not approved'
      const tests = a.verification ? ` · tests ${a.verification.passed ? 'passed' : 'failed'}` : ''
      this.log(`── attempt ${a.attempt} · ${a.model} · ${verdict}${tests} · ${a.files.length} file${a.files.length === 1 ? '' : 's'} +${a.lines_added} −${a.lines_removed}`)
      // A worker wrote it: its control characters are shown, not obeyed by the terminal (terminal-text.ts).
      if (a.diff) this.log(terminalText((await readFile(a.diff, 'utf8')).trimEnd()))
      else this.log('(no change kept)')
      if (a.patch) this.log(`patch: ${a.patch}`)
      if (a.verify_log) this.log(`test output: ${a.verify_log}`)
      this.log('')
    }
  }
}
