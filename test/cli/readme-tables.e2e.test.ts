/**
 * The README's command and exit-code tables come from the commands' own metadata (the built oclif manifest,
 * src/core/exit-codes.ts): if they differ, `npm run readme` rewrites them. And every cto command
 * carries what the README promises for all: help with examples, --json.
 */
import {Config} from '@oclif/core'
import {readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {applyTables, readmeTables} from '../../scripts/readme-tables.js'
import {EXIT_CODES} from '../../src/core/exit-codes.js'
import {REPO} from '../support/run-cli.js'

describe('README tables', () => {
  it('the command table and the exit-code table are what the commands say (else: npm run readme)', async () => {
    const readme = await readFile(join(REPO, 'README.md'), 'utf8')
    const tables = await readmeTables(REPO)
    expect(applyTables(readme, tables), 'README.md is out of date with the commands: run "npm run readme"').toBe(readme)
    // Not vacuous: the tables list what the CLI has.
    expect(tables.commands).toContain('| `cto logs` |')
    expect(tables.commands).toContain('| `cto config set KEY VALUE` |')
    expect(tables.exitCodes).toContain('| 64 |')
  })

  it("every cto command has examples in its help, --json, and declares only exit codes of the table", async () => {
    const config = await Config.load(REPO)
    const own = config.commands.filter((c) => c.pluginName === 'cto-cli')
    expect(own.length).toBeGreaterThan(20)
    const known = EXIT_CODES.map((e) => e.code as number)
    for (const c of own) {
      expect(c.examples?.length, `cto ${c.id} has no examples`).toBeGreaterThan(0)
      expect(JSON.stringify(c.examples), `cto ${c.id}`).toContain('<%= config.bin %>')
      if (c.id !== 'tools:hook') expect(c.enableJsonFlag, `cto ${c.id} has no --json`).toBe(true)
      for (const code of ((c as unknown as {exitCodes?: number[]}).exitCodes ?? [])) expect(known, `cto ${c.id} declares exit ${code}`).toContain(code)
    }
  })
})
