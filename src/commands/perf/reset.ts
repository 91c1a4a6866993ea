import {Flags} from '@oclif/core'
import {createInterface} from 'node:readline/promises'
import {CtoCommand} from '../../core/cli/base-command.js'
import {UsageError} from '../../core/errors.js'
import type {AnyPerfStore} from '../../core/store/open-perf-store.js'
import type {ResetResult} from '../../core/store/types.js'

export type PerfResetResult = ResetResult & {reset: boolean; store: string}

export default class PerfReset extends CtoCommand {
  static override summary = 'Clear the performance history (asks first; --yes to skip). Keeps a backup unless --no-backup.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --yes --no-backup']
  static override flags = {
    yes: Flags.boolean({char: 'y', description: 'Do not ask.'}),
    backup: Flags.boolean({description: 'Move the old files next to the store instead of deleting them.', default: true, allowNo: true}),
  }

  async run(): Promise<PerfResetResult> {
    const {flags} = await this.parse(PerfReset)
    const {openConfiguredStore} = await import('../../core/store/open-perf-store.js')
    const store = await openConfiguredStore({onWarning: (m) => process.stderr.write(`Warning: ${m}\n`)})
    try {
      return await this.resetWith(store, flags)
    } finally {
      await store.close()
    }
  }

  private async resetWith(store: AnyPerfStore, flags: {yes: boolean; backup: boolean}): Promise<PerfResetResult> {
    const {attempts, baselines} = store.info()
    if (!flags.yes) {
      if (!process.stdin.isTTY || this.jsonEnabled()) {
        // The invocation lacks a flag: a usage error (64), as a missing argument is.
        throw new UsageError({code: 'PERF_RESET_NEEDS_YES', message: 'cto perf reset asks before clearing the history, and there is no terminal to ask on.', actions: ['cto perf reset --yes']})
      }
      const rl = createInterface({input: process.stdin, output: process.stderr})
      const answer = await rl.question(`Clear ${attempts} attempt(s) and ${baselines} imported total(s) from ${store.location}${flags.backup ? ' (a backup is kept)' : ' (no backup)'}? [y/N] `)
      rl.close()
      if (!/^y(es)?$/i.test(answer.trim())) {
        this.log('Nothing changed.')
        return {reset: false, attempts, baselines, store: store.location}
      }
    }
    const result = await store.reset({backup: flags.backup})
    if (!this.jsonEnabled()) {
      this.log(`Cleared ${result.attempts} attempt(s) and ${result.baselines} imported total(s).${result.backup ? ` Backup: ${result.backup}` : ''}`)
    }
    return {...result, reset: true, store: store.location}
  }
}
