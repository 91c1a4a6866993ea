import {Args} from '@oclif/core'
import {CtoCommand} from '../../core/cli/base-command.js'
import type {ImportResult} from '../../core/store/perf-store.js'

export default class PerfImport extends CtoCommand {
  static override summary = 'Add history from a "cto perf export" file (jsonl or csv) or the original model_performance.json.'
  static override description =
    'Attempts already in the store are skipped, and a model_performance.json is imported once. Every record is checked first (types, ranges, consistent counts); if any is invalid, nothing is imported and the problems are listed with their line numbers. The file is streamed, so its size is not limited by memory.'
  static override examples = [
    '<%= config.bin %> <%= command.id %> ~/clautonomous/linux/config/model_performance.json',
    '<%= config.bin %> <%= command.id %> attempts.jsonl',
  ]
  static override args = {file: Args.string({description: 'file to import', required: true})}

  async run(): Promise<ImportResult> {
    const {args} = await this.parse(PerfImport)
    const {openConfiguredStore} = await import('../../core/store/open-perf-store.js')
    const store = await openConfiguredStore({onWarning: (m) => process.stderr.write(`Warning: ${m}\n`)})
    const result = await store.import(args.file).finally(() => store.close())
    if (!this.jsonEnabled()) {
      const parts = [`${result.attempts_added} attempt(s)`]
      if (result.format === 'model_performance' || result.baselines_added > 0) parts.push(`${result.baselines_added} model/task-type total(s)`)
      this.log(`Imported ${parts.join(' and ')} from ${args.file} (${result.format}).`)
      if (result.duplicates_skipped > 0) this.log(`Skipped ${result.duplicates_skipped} attempt(s) already in the store.`)
      for (const n of result.notes) this.note(`Note: ${n}`)
    }
    return result
  }
}
