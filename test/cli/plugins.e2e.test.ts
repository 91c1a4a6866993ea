import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {mkdir, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {makeSandbox, type Sandbox} from '../support/run-cli.js'

let sb: Sandbox
beforeEach(async () => {
  sb = await makeSandbox()
})
afterEach(async () => {
  await sb.cleanup()
})

type List = {models: Array<{name: string; plugin: string; engine: string}>; broken_plugins: Array<{name: string; reason: string}>}

async function writePlugin(dir: string, name: string, body: string): Promise<void> {
  await mkdir(join(dir, 'hooks'), {recursive: true})
  await writeFile(join(dir, 'package.json'), JSON.stringify({name, version: '1.0.0', type: 'module', oclif: {hooks: {'cto:providers': './hooks/providers.js'}}}))
  await writeFile(join(dir, 'hooks', 'providers.js'), body)
}

describe('provider plugins', () => {
  // The guide's example plugin, linked, published, installed and uninstalled: test/cli/plugin-guide.e2e.test.ts.
  it('reports a plugin that throws, times out or speaks another spec version, and keeps running', async () => {
    const throws = join(sb.home, 'p-throws')
    await writePlugin(throws, 'cto-provider-throws', 'export default async function () { throw new Error("boom from plugin") }\n')
    const hangs = join(sb.home, 'p-hangs')
    await writePlugin(hangs, 'cto-provider-hangs', 'export default function () { return new Promise(() => {}) }\n')
    const old = join(sb.home, 'p-old')
    await writePlugin(old, 'cto-provider-old', 'export default async function () { return {specificationVersion: "v0", name: "old", models: []} }\n')
    for (const dir of [throws, hangs, old]) {
      const r = await sb.run(['plugins', 'link', dir, '--no-install'])
      expect(r.code, r.stderr).toBe(0)
    }
    const list = await sb.json<List>(['models', 'list'])
    expect(list.models.length).toBe(9)
    const broken = Object.fromEntries(list.broken_plugins.map((b) => [b.name, b.reason]))
    expect(broken['cto-provider-throws']).toContain('boom from plugin')
    expect(broken['cto-provider-hangs']).toMatch(/Timed out/)
    expect(broken['cto-provider-old']).toBe('written for provider spec "v0"; this cto supports "v1" and "v2". Update the plugin or cto.')
    const status = await sb.run(['status'])
    expect(status.code).toBe(0)
    expect(status.stdout).toMatch(/Broken plugin\s+cto-provider-throws: boom from plugin/)
  })
})
