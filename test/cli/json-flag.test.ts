/**
 * "Every command takes --json" (README, Scripts): every command the CLI has, its own and its
 * plugins', but help and autocomplete, which print text for a person to read or paste, and
 * `tools hook`, which speaks Claude Code's hook protocol. oclif's plugins link, update, reset and
 * uninstall had none ("Nonexistent flag: --json"); what they print is checked end to end in
 * test/cli/plugin-install.e2e.test.ts.
 */
import {describe, expect, it} from 'vitest'
import {loadCtoConfig} from '../support/run-cli-in-process.js'

describe('--json', () => {
  it('every command takes it but help, autocomplete and tools hook', async () => {
    const config = await loadCtoConfig()
    const ids = [...new Set(config.commands.filter((c) => !c.hidden).map((c) => c.id))]
    expect(ids).toEqual(expect.arrayContaining(['plugins:link', 'plugins:update', 'plugins:reset', 'plugins:uninstall', 'plugins:unlink']))
    const without = ids.filter((id) => config.findCommand(id)?.enableJsonFlag !== true).sort()
    expect(without).toEqual(['autocomplete', 'help', 'tools:hook'])
  })
})
