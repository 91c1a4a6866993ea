/**
 * The PerfStore contract (contract.ts) against the PostgreSQL store: a real server started in a
 * temp folder (test/support/postgres-server.ts), each test in a fresh schema of one database.
 */
import {mkdtemp} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, afterEach, beforeAll, describe} from 'vitest'
import {openPgStore, type PgPerfStore} from '../../src/core/store/pg/pg-store.js'
import {resolveStoreSettings} from '../../src/core/store/store-settings.js'
import {postgresMissing, startPostgres, type PgServer} from '../support/postgres-server.js'
import {perfStoreContract} from './contract.js'

let pg: PgServer | undefined
const open: PgPerfStore[] = []
let n = 0

describe.skipIf(postgresMissing)(`PostgreSQL store${postgresMissing ? ` — skipped: ${postgresMissing}` : ''}`, () => {
  beforeAll(async () => {
    pg = await startPostgres()
    await pg.createDatabase('contract')
  })
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()))
  })
  afterAll(async () => {
    await pg?.close()
  })

  perfStoreContract('postgres', async ({clock}) => {
    const tmp = await mkdtemp(join(tmpdir(), 'cto-pg-contract-'))
    const settings = resolveStoreSettings({CTO_STORE_URL: (pg as PgServer).url('contract')}, {schema: `t${process.pid}_${n++}`})
    const openOne = async () => {
      const s = await openPgStore({settings, clock, onWarning: (m) => process.stderr.write(`store warning: ${m}\n`)})
      open.push(s)
      return s
    }
    return {store: await openOne(), reopen: openOne, tmp}
  })
})
