import {Flags} from '@oclif/core'
import {CtoCommand} from '../../core/cli/base-command.js'
import {CtoError} from '../../core/errors.js'
import {EXIT} from '../../core/exit-codes.js'
import type {ExportResult} from '../../core/store/perf-store.js'

export default class PerfExport extends CtoCommand {
  static override summary = 'Write every recorded attempt as JSON lines or CSV, to stdout or a file.'
  static override description = 'jsonl keeps everything (including totals imported from model_performance.json) and imports back byte for byte; csv holds attempts only. The export reads a snapshot, so a concurrent reset or record cannot cut it short, and a file is written under a temp name and renamed when complete.'
  static override examples = [
    '<%= config.bin %> <%= command.id %> > attempts.jsonl',
    '<%= config.bin %> <%= command.id %> --format csv --output attempts.csv',
  ]
  /** For the README's exit-code table (test/cli/readme-tables.test.ts). */
  static exitCodes = [EXIT.ok, EXIT.error, EXIT.usage, EXIT.interrupted]
  static override flags = {
    format: Flags.string({char: 'f', description: 'Output format.', options: ['jsonl', 'csv'], default: 'jsonl'}),
    output: Flags.string({char: 'o', description: 'Write to this file instead of stdout.'}),
  }

  async run(): Promise<ExportResult> {
    const {flags} = await this.parse(PerfExport)
    if (this.jsonEnabled() && !flags.output) {
      throw new CtoError({code: 'PERF_EXPORT_NEEDS_OUTPUT', message: 'With --json the export needs a file: stdout carries the JSON result.', actions: ['cto perf export --output attempts.jsonl --json']})
    }
    const {openConfiguredStore} = await import('../../core/store/open-perf-store.js')
    const store = await openConfiguredStore({onWarning: (m) => process.stderr.write(`Warning: ${m}\n`)})
    let result: ExportResult
    const {discardExportOnInterrupt} = await import('../../core/store/export-interrupt.js')
    const stopWatching = flags.output ? discardExportOnInterrupt(flags.output, (m) => this.note(m)) : () => {}
    try {
      if (flags.output) await checkWritable(flags.output)
      result = await store.export(flags.format as 'jsonl' | 'csv', flags.output ?? process.stdout)
    } catch (error) {
      // The store writes through a temp file next to the target: name the file the user asked for.
      const code = (error as NodeJS.ErrnoException).code
      // The store's own errors (a damaged store, a folder where a segment should be) name their path already.
      if (!flags.output || !code || CtoError.isInstance(error)) throw error
      throw new CtoError({code: 'PERF_EXPORT_FAILED', message: `Cannot write ${flags.output}: ${describeIoError(code)}.`, actions: ['Choose another --output path.'], cause: error})
    } finally {
      stopWatching()
      await store.close()
    }
    if (flags.output) this.note(`Wrote ${result.attempts} attempt(s)${result.baselines ? ` and ${result.baselines} imported total(s)` : ''} to ${flags.output}.`)
    if (result.unreadable > 0) this.note(`${result.unreadable} record(s) could not be read back (see the warning above); run "cto perf check --repair".`)
    return result
  }
}

function describeIoError(code: string): string {
  return code === 'ENOENT' ? 'its folder does not exist' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'ENOSPC' ? 'the disk is full' : code === 'EISDIR' ? 'it is a folder' : code
}

/** The folder must exist and the path must not be a folder: said before any data is read. */
async function checkWritable(file: string): Promise<void> {
  const {stat} = await import('node:fs/promises')
  const {dirname} = await import('node:path')
  const dir = await stat(dirname(file)).catch(() => undefined)
  const problem = !dir ? `its folder ${dirname(file)} does not exist` : !dir.isDirectory() ? `${dirname(file)} is not a folder` : (await stat(file).catch(() => undefined))?.isDirectory() ? 'it is a folder' : undefined
  if (problem) throw new CtoError({code: 'PERF_EXPORT_FAILED', message: `Cannot write ${file}: ${problem}.`, actions: ['Choose another --output path, or create the folder first.']})
}
