/**
 * A team store URL where something accepts the connection and hangs up before PostgreSQL's start-up
 * is done (a proxy with no database behind it, the wrong service on the port). postgres.js
 * reconnects at once and without end in that case: `cto perf` opened ~20,000 connections in 30 s
 * and never returned. No PostgreSQL is needed: the listener is a plain TCP server.
 */
import {createServer, type Server, type Socket} from 'node:net'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import type {Sandbox} from '../support/run-cli.js'
import {makeInProcessSandbox} from '../support/run-cli-in-process.js'

let sb: Sandbox
let listener: Server
let accepted = 0
const sockets = new Set<Socket>()
beforeEach(async () => {
  sb = await makeInProcessSandbox()
  accepted = 0
  listener = createServer((socket) => {
    accepted++
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.end()
  })
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve))
})
afterEach(async () => {
  // The last connection given up on may still be half-open on our side: close() would wait for it.
  for (const socket of sockets) socket.destroy()
  await new Promise((resolve) => listener.close(resolve))
  await sb.cleanup()
})

describe('a team store URL where nothing answers but something hangs up', () => {
  it('cto perf gives up after 3 × the connect timeout with the unreachable error, instead of reconnecting forever', async () => {
    const port = (listener.address() as {port: number}).port
    await sb.writeUserConfig({store: {connect_timeout_seconds: 1}})
    const r = await sb.run(['perf'], {env: {CTO_STORE_URL: `postgres://cto:secret-pw@127.0.0.1:${port}/team`}})
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/The team store postgres:\/\/cto@127\.0\.0\.1:\d+\/team can't be reached \(CONNECTION_CLOSED: something at 127\.0\.0\.1:\d+ took the connection and closed it before answering, for 3 s\)/)
    expect(r.stderr).toContain('fix the host and port in CTO_STORE_URL')
    expect(`${r.stdout}${r.stderr}`).not.toContain('secret-pw')
    expect(accepted).toBeGreaterThan(1)
    // Nothing reconnects after the command returned (a connection already under way may land: wait for it first).
    await new Promise((resolve) => setTimeout(resolve, 300))
    const after = accepted
    await new Promise((resolve) => setTimeout(resolve, 700))
    expect(accepted).toBe(after)
  }, 30_000)
})
