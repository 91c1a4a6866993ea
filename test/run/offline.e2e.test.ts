/**
 * Offline: in a network namespace of its own (`unshare -rn`: loopback only, as on a machine with no
 * network), a provider's host can't be looked up: getaddrinfo says EAI_AGAIN there, not ENOTFOUND.
 * It is the same setup problem as an unknown host: one try, the fix named, an availability event.
 */
import {spawnSync} from 'node:child_process'
import {readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {BIN, makeSandbox, type Sandbox} from '../support/run-cli.js'

const unshareMissing = (() => {
  const r = spawnSync('unshare', ['-rn', process.execPath, '-e', 'require("dns").lookup("api.deepseek.com", (e) => process.exit(e?.code === "EAI_AGAIN" ? 0 : 3))'], {encoding: 'utf8'})
  if (r.error) return 'needs unshare (util-linux)'
  if (r.status !== 0) return `needs user and network namespaces where a lookup fails with EAI_AGAIN (unshare -rn: exit ${r.status} ${r.stderr.trim()})`
  return undefined
})()

let sb: Sandbox
beforeEach(async () => {
  sb = await makeSandbox()
})
afterEach(async () => {
  await sb.cleanup()
})

describe('no network at all', () => {
  it.skipIf(unshareMissing !== undefined)(`cto run: a DNS lookup that gets no answer (EAI_AGAIN) is reported as DNS with the fix, not retried${unshareMissing ? ` (${unshareMissing})` : ''}`, () => {
    const r = spawnSync('unshare', ['-rn', process.execPath, BIN, 'run', '-m', 'deepseek', 'hello'], {cwd: sb.home, env: {...sb.env, DEEPSEEK_API_KEY: 'sk-test-offline-0123456789'}, encoding: 'utf8', timeout: 60_000})
    expect(r.status, r.stderr).toBe(1)
    // It was three retries ("retry 1 in 0.5s: connection_error" …) and "It may work if you try again".
    expect(r.stderr).not.toContain('retry')
    expect(r.stderr).toContain('Error: deepseek failed: the host of https://api.deepseek.com/v1 could not be looked up (DNS: no name server answered, EAI_AGAIN).')
    expect(r.stderr).toContain('→ Check your network connection, or set the endpoint: cto config set provider_endpoints.deepseek.api_url <url>')
  })

  it.skipIf(unshareMissing !== undefined)(`cto run: the model is recorded as unusable for now, so the router skips it${unshareMissing ? ` (${unshareMissing})` : ''}`, async () => {
    spawnSync('unshare', ['-rn', process.execPath, BIN, 'run', '-m', 'deepseek', 'hello'], {cwd: sb.home, env: {...sb.env, DEEPSEEK_API_KEY: 'sk-test-offline-0123456789'}, encoding: 'utf8', timeout: 60_000})
    const events = (await readFile(join(sb.dataHome, 'cto', 'availability.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as {model: string; code: string})
    expect(events).toEqual([expect.objectContaining({model: 'deepseek', code: 'dns_failed'})])
  })
})
