/** The PerfStore contract (contract.ts) against the file store, each test in a fresh temp folder. */
import {mkdtemp} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {openStore} from '../../src/core/store/perf-store.js'
import {perfStoreContract} from './contract.js'

perfStoreContract('files', async ({clock}) => {
  const tmp = await mkdtemp(join(tmpdir(), 'cto-contract-'))
  const dir = join(tmp, 'perf')
  // Small segments, so a few dozen records already span several (sealing, history, indexes).
  const opts = {dir, clock, segmentBytes: 4096, onWarning: (m: string) => process.stderr.write(`store warning: ${m}\n`)}
  return {store: await openStore(opts), reopen: () => openStore(opts), tmp}
})
