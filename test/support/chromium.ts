/**
 * Debian's Chromium, driven headless by playwright-core (which never downloads a browser of its
 * own: it is pointed at /usr/bin/chromium, or $CTO_TEST_CHROMIUM). Tests that need it skip with
 * `chromiumMissing` as their reason where it is not installed; .ci/run installs it, and fails on skips.
 */
import {existsSync} from 'node:fs'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {BrowserContext} from 'playwright-core'

export const CHROMIUM = process.env.CTO_TEST_CHROMIUM ?? '/usr/bin/chromium'

/** undefined when Chromium is here; else the one-line reason a test prints when it skips. */
export const chromiumMissing: string | undefined = existsSync(CHROMIUM) ? undefined : `SKIPPED: no browser at ${CHROMIUM} (apt-get install chromium)`

/** Flags that work in this sandboxed, offline environment. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

export interface Browser {
  context: BrowserContext
  close(): Promise<void>
}

/** A headless Chromium with a fresh profile (its own --user-data-dir), removed on close. */
export async function launchChromium(opts: {width?: number; height?: number} = {}): Promise<Browser> {
  const {chromium} = await import('playwright-core')
  const profile = await mkdtemp(join(tmpdir(), 'cto-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: {width: opts.width ?? 1280, height: opts.height ?? 900},
    deviceScaleFactor: 1,
    // The report must not need the network: any request it makes is recorded and fails the test.
    offline: true,
  })
  return {
    context,
    close: async () => {
      await context.close()
      await rm(profile, {recursive: true, force: true})
    },
  }
}
