import {CtoCommand} from '../../core/cli/base-command.js'
import type {StoreStatus} from '../../core/store/store-status.js'

export type StoreStatusResult = StoreStatus

const size = (bytes: number) => (bytes >= 1048576 ? `${(bytes / 1048576).toFixed(1)} MB` : `${(bytes / 1024).toFixed(1)} KB`)

export default class StoreStatusCommand extends CtoCommand {
  static override summary = 'Show which performance store is in use (local files or the team database), its version, size and latency.'
  static override description =
    'The team store is used when CTO_STORE_URL or config store.url names a PostgreSQL database; otherwise the local files. Latency is the median of 5 round trips. Exit 1 when the team database cannot be reached (the error names the setting to check).'
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    'CTO_STORE_URL=postgres://me:secret@db.internal/cto <%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --json | jq .latency_ms',
  ]

  async run(): Promise<StoreStatusResult> {
    await this.parse(StoreStatusCommand)
    const {readStoreSettings} = await import('../../core/store/store-settings.js')
    const {storeStatus} = await import('../../core/store/store-status.js')
    const settings = await readStoreSettings({env: process.env})
    const s = await storeStatus({settings, env: process.env, onWarning: (m) => this.note(`Warning: ${m}`)})
    if (!this.jsonEnabled()) {
      this.log(`Store       ${s.kind === 'postgres' ? 'team (PostgreSQL)' : 'local files'}: ${s.location}${s.setting ? ` (from ${s.setting})` : ''}`)
      if (s.error) {
        this.log(`Reachable   no: ${s.error.message}`)
        for (const a of s.error.actions) this.log(`            → ${a}`)
      } else {
        if (s.version) this.log(`Schema      version ${s.version.applied} of ${s.version.supported}${s.version.applied < s.version.supported ? ' (upgraded by the next write, or "cto store migrate")' : ''}, schema ${s.schema}, PostgreSQL ${s.server_version}`)
        this.log(`Size        ${size(s.size_bytes ?? 0)} · ${s.attempts} attempts, ${s.baselines} imported totals, ${s.models} models`)
        this.log(`Latency     ${(s.latency_ms ?? 0).toFixed(2)} ms`)
      }
      if (s.spool) this.log(`Spool       ${s.spool.pending} attempt(s) waiting in ${s.spool.dir}`)
    }
    if (!s.reachable) {
      if (this.jsonEnabled()) this.logJson(s)
      this.exit(1)
    }
    return s
  }
}
