import {Flags} from '@oclif/core'
import {CtoCommand} from '../../core/cli/base-command.js'
import {CtoError} from '../../core/errors.js'

export interface StoreMigrateResult {
  location: string
  from: number
  to: number
  applied: Array<{version: number; name: string}>
}

export default class StoreMigrate extends CtoCommand {
  static override summary = "Create or upgrade the team database's tables to this cto's schema version."
  static override description =
    'Any command that records does this by itself; run it ahead to see what changes, or as a user allowed to create tables. Migrations are numbered, each applied once, in one transaction. A database upgraded by a newer cto is refused (upgrade cto instead).'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json', '<%= config.bin %> <%= command.id %> --to 1']
  static override flags = {
    to: Flags.integer({description: 'Stop at this schema version (default: the newest this cto knows).', min: 1}),
  }

  async run(): Promise<StoreMigrateResult> {
    const {flags} = await this.parse(StoreMigrate)
    const {readStoreSettings} = await import('../../core/store/store-settings.js')
    const settings = await readStoreSettings({env: process.env})
    if (settings.kind !== 'postgres') {
      throw new CtoError({
        code: 'STORE_MIGRATE_NO_TEAM',
        message: 'No team store is set: the local store has no schema to migrate (it upgrades its own files).',
        actions: ['Set CTO_STORE_URL=postgres://USER:PASSWORD@HOST:PORT/DATABASE or "store": {"url": …} in your config.'],
      })
    }
    const {openPgStore} = await import('../../core/store/pg/pg-store.js')
    const {recordingUser} = await import('../../core/store/identity.js')
    const store = await openPgStore({settings, user: recordingUser(process.env), onWarning: (m) => this.note(`Warning: ${m}`)})
    try {
      const r = await store.migrate(flags.to)
      if (!this.jsonEnabled()) {
        if (r.applied.length === 0) this.log(`The team store ${store.location} is at schema version ${r.from}: nothing to do.`)
        else {
          for (const m of r.applied) this.log(`Applied ${m.version}: ${m.name}`)
          this.log(`The team store ${store.location} is now at schema version ${r.to} (was ${r.from}).`)
        }
      }
      return {location: store.location, ...r}
    } finally {
      await store.close()
    }
  }
}
