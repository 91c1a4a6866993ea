import {Flags} from '@oclif/core'
import {CtoCommand} from '../../core/cli/base-command.js'
import {CtoError} from '../../core/errors.js'
import type {CheckResult} from '../../core/store/types.js'

export default class PerfCheck extends CtoCommand {
  static override summary = 'Read every recorded attempt back and verify it (checksums, sequence numbers, counts); --repair fixes what it can.'
  static override description =
    'Reading commands never repair the store; they say when something is damaged. This command finds damage anywhere (a power cut, a bad disk) and, with --repair, keeps the damaged files in quarantine/ and rebuilds the totals from every record that can still be read, saying how many were lost. It also upgrades a store written by an older cto.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --repair', '<%= config.bin %> <%= command.id %> --json | jq .problems']
  static override flags = {
    repair: Flags.boolean({description: 'Rebuild the totals from what can be read (damaged files are kept).'}),
  }

  async run(): Promise<CheckResult> {
    const {flags} = await this.parse(PerfCheck)
    const {openConfiguredStore} = await import('../../core/store/open-perf-store.js')
    const store = await openConfiguredStore({onWarning: (m) => this.note(`Warning: ${m}`)})
    const result = await store.check({repair: flags.repair}).finally(() => store.close())
    if (!result.ok && !flags.repair) {
      throw new CtoError({
        code: 'PERF_STORE_DAMAGED',
        message: `The performance store at ${store.location} has problems (${result.records} record(s) verified):\n${result.problems.map((p) => `  ${p}`).join('\n')}`,
        actions: ['cto perf check --repair'],
      })
    }
    if (!this.jsonEnabled()) {
      if (result.ok) this.log(`OK: ${result.records} record(s) verified in ${store.location}.`)
      else {
        this.log(`Found ${result.problems.length} problem(s):`)
        for (const p of result.problems) this.log(`  ${p}`)
        for (const r of result.repaired) this.log(r)
      }
    }
    return result
  }
}
