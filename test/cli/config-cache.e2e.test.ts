/**
 * The validation cache (src/core/config/validation-cache.ts) exists only in the built CLI (it is
 * keyed by the build id the bundler puts in), so this runs bin/run.js. A config checked once is not
 * checked again, but what the check found is still said on every run: a key cto does not know.
 */
import {readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {makeSandbox, type Sandbox} from '../support/run-cli.js'

let sb: Sandbox
beforeEach(async () => {
  sb = await makeSandbox()
})
afterEach(async () => {
  await sb.cleanup()
})

describe('validation cache', () => {
  it('keeps the unknown keys it found, and every run says them, the cached ones too', async () => {
    await sb.writeUserConfig({cto_modle: 'kimi'})
    const warning = `Warning: unknown key "cto_modle" in ${sb.userConfigFile} is ignored (did you mean "cto_model"?): remove it with "cto config unset cto_modle", or check the file with "cto config validate".\n`
    const first = await sb.run(['models', 'list'])
    expect(first.code, first.stderr).toBe(0)
    expect(first.stderr).toContain(warning)
    // The check was kept, with what it found.
    const cache = await readFile(join(sb.home, '.cache', 'cto', 'validated.json'), 'utf8')
    expect(cache).toContain('"unknown_keys":[{"key":"cto_modle","suggestion":"cto_model"}]')
    for (const args of [['models', 'list'], ['config', 'get', 'cto_model', '--json']]) {
      const again = await sb.run(args)
      expect(again.code, again.stderr).toBe(0)
      expect(again.stderr).toContain(warning)
    }
  })
})
