import {CtoCommand} from '../../core/cli/base-command.js'
import type {PushResult} from '../../core/store/store-push.js'

export type StorePushResult = PushResult

export default class StorePush extends CtoCommand {
  static override summary = "Copy this machine's local performance history into the team store (safe to run again)."
  static override description =
    'Exports the local store and imports it into the team database: validated, all or nothing, counted once per attempt id, so a second push adds nothing. The local store is left as it is; "cto perf export" / "cto perf import FILE" do the same by hand.'
  static override examples = ['CTO_STORE_URL=postgres://me:secret@db.internal/cto <%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']

  async run(): Promise<StorePushResult> {
    await this.parse(StorePush)
    const {readStoreSettings} = await import('../../core/store/store-settings.js')
    const {pushLocalHistory} = await import('../../core/store/store-push.js')
    const {recordingUser} = await import('../../core/store/identity.js')
    const settings = await readStoreSettings({env: process.env})
    const r = await pushLocalHistory({settings, env: process.env, user: recordingUser(process.env), onWarning: (m) => this.note(`Warning: ${m}`)})
    if (!this.jsonEnabled()) {
      this.log(`Pushed ${r.local_attempts} local attempt(s) from ${r.from} to ${r.to}: ${r.attempts_added} added, ${r.duplicates_skipped} already there.`)
      if (r.local_baselines > 0) this.log(`Imported totals: ${r.baselines_added} added${r.already_imported ? ' (some were imported before)' : ''}.`)
    }
    return r
  }
}
