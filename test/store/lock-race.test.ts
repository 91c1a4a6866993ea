/**
 * Several writers taking over one stale lock at once (the holder was killed): one of them may
 * remove the lock another had just made, before proper-lockfile's first stat of it. That writer got
 * ENOENT and its record was refused (CI's killed-writers fault test failed on it once), and its
 * clean-up could remove the other's lock in turn (the other then lost the lock). Every writer must
 * get its turn, one at a time.
 */
import {mkdir, mkdtemp, rm, utimes} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {withStoreLock} from '../../src/core/store/store-lock.js'

describe('the store lock', () => {
  it('writers racing to take over a stale lock all get it in turn: none fails with ENOENT, never two at once', async () => {
    const root = await mkdtemp(join(tmpdir(), 'cto-lock-race-'))
    try {
      let failures: string[] = []
      let inside = 0
      let most = 0
      let turns = 0
      for (let round = 0; round < 60; round++) {
        const dir = join(root, `store-${round}`)
        await mkdir(join(dir, 'store.lock'), {recursive: true})
        const old = new Date(Date.now() - 60_000)
        await utimes(join(dir, 'store.lock'), old, old)
        const results = await Promise.allSettled(
          Array.from({length: 6}, () =>
            withStoreLock({dir, staleMs: 2000}, async (session) => {
              inside++
              most = Math.max(most, inside)
              await new Promise((resolve) => setTimeout(resolve, 1))
              await session.assertHeld()
              inside--
              turns++
            }),
          ),
        )
        failures = [...failures, ...results.flatMap((r) => (r.status === 'rejected' ? [String((r.reason as Error).message)] : []))]
      }
      expect(failures).toEqual([])
      expect(turns).toBe(360)
      expect(most).toBe(1)
    } finally {
      await rm(root, {recursive: true, force: true})
    }
  })
})
