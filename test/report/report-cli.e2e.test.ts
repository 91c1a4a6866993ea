/**
 * `cto perf report` end to end (the built bin/run.js in a sandboxed HOME, the page's bundled dist/report/): where the file goes,
 * what --json says it holds, --open through a real opener process (a script standing in for the
 * browser, found the way a user's would be), and the errors that name their fix.
 */
import {chmod, mkdir, readFile, stat, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {openStore} from '../../src/core/store/perf-store.js'
import type {PerfReportResult} from '../../src/commands/perf/report.js'
import {makeSandbox, type Sandbox} from '../support/run-cli.js'
import {expectedFor} from './fixtures/expected.js'
import {sampleAttempts} from './fixtures/sample-attempts.js'

let sandbox: Sandbox
const records = sampleAttempts({days: 20})
const want = expectedFor(records)

/** An executable that records its arguments in `log` and exits with `code`. */
async function fakeOpener(dir: string, name: string, log: string, code = 0, sleep = 0): Promise<string> {
  await mkdir(dir, {recursive: true})
  const file = join(dir, name)
  await writeFile(file, `#!/bin/sh\nprintf '%s\\n' "$@" > '${log}'\n${sleep ? `sleep ${sleep}\n` : ''}exit ${code}\n`)
  await chmod(file, 0o755)
  return file
}

beforeAll(async () => {
  sandbox = await makeSandbox()
  const store = await openStore({dir: join(sandbox.dataHome, 'cto', 'perf')})
  await store.recordMany(records)
})
afterAll(async () => {
  await sandbox?.cleanup()
})

describe('cto perf report', () => {
  it('writes to the data folder by default and --json says where and what the page holds', async () => {
    const r = await sandbox.json<PerfReportResult>(['perf', 'report'])
    const file = join(sandbox.dataHome, 'cto', 'reports', 'perf-report.html')
    expect(r).toMatchObject({
      file,
      opened: false,
      filters: {by: 'model'},
      holds: {
        empty: false,
        attempts: records.length,
        days: want.days.length,
        first_day: want.days[0],
        last_day: want.days.at(-1),
        heatmap: {cells: want.cells.size},
        escalation_pairs: want.escalations.size,
        first_served_models: want.firstServed.size,
        worst_tasks: Math.min(20, want.bad.size),
        worst_window: 2000,
      },
    })
    expect(r.holds.series.sort()).toEqual(want.models)
    expect(r.bytes).toBe((await stat(file)).size)
    const html = await readFile(file, 'utf8')
    expect(html).toMatch(/^<!doctype html>/)
    // Everything inline: no script, style sheet or image fetched from anywhere (the browser test checks no request is made).
    expect(/<script[^>]+src=|<link[^>]|<img[^>]/i.test(html)).toBe(false)
    expect(html.match(/<script>/g)).toHaveLength(1)
    expect(html).toContain("connect-src 'none'")
  })

  it('people get one line saying where the file is and what it holds; --out to a folder puts perf-report.html in it', async () => {
    const dir = join(sandbox.home, 'reports')
    await mkdir(dir, {recursive: true})
    const r = await sandbox.run(['perf', 'report', '--out', dir, '--since', '7d', '--type', 'coding'])
    expect(r.code).toBe(0)
    const file = join(dir, 'perf-report.html')
    expect(r.stdout).toMatch(new RegExp(`^Wrote ${file} \\(\\d+ KB\\)\\. [\\d,]+ attempts, \\d+ day\\(s\\)`))
    expect(r.stdout).toContain('Open it in a browser, or run again with --open.')
    expect((await stat(file)).isFile()).toBe(true)
  })

  it('--open hands the file to $BROWSER, else xdg-open from PATH, and says where it is when none works', async () => {
    const bin = join(sandbox.home, 'bin')
    const log = join(sandbox.home, 'opened.txt')
    const out = join(sandbox.home, 'open-me.html')

    const browser = await fakeOpener(bin, 'my-browser', log)
    let r = await sandbox.json<PerfReportResult>(['perf', 'report', '--out', out, '--open'], {env: {BROWSER: browser}})
    expect(r).toMatchObject({file: out, opened: true})
    expect((await readFile(log, 'utf8')).trim()).toBe(out)

    // A browser that stays open (as a real one does) is left running; cto does not wait for it.
    const stays = await fakeOpener(bin, 'stays-open', log, 0, 30)
    const started = Date.now()
    r = await sandbox.json<PerfReportResult>(['perf', 'report', '--out', out, '--open'], {env: {BROWSER: stays}})
    expect(r).toMatchObject({opened: true})
    expect(Date.now() - started).toBeLessThan(15_000)

    await fakeOpener(bin, 'xdg-open', log)
    await writeFile(log, '')
    r = await sandbox.json<PerfReportResult>(['perf', 'report', '--out', out, '--open'], {env: {BROWSER: '', PATH: `${bin}:${process.env.PATH}`}})
    expect(r).toMatchObject({opened: true})
    expect((await readFile(log, 'utf8')).trim()).toBe(out)

    await fakeOpener(bin, 'xdg-open', log, 3)
    const failed = await sandbox.run(['perf', 'report', '--out', out, '--open'], {env: {BROWSER: '', PATH: `${bin}:${process.env.PATH}`}})
    expect(failed.code).toBe(0)
    expect(failed.stdout).toContain(`Could not open a browser (xdg-open exited with 3). Open ${out} yourself.`)

    const empty = join(sandbox.home, 'nothing-here')
    await mkdir(empty, {recursive: true})
    r = await sandbox.json<PerfReportResult>(['perf', 'report', '--out', out, '--open'], {env: {BROWSER: '', PATH: empty}})
    expect(r).toMatchObject({file: out, opened: false, open_error: 'xdg-open was not found'})
  })

  it('--by user on a store whose records name no member: one series, and a note that says why', async () => {
    const r = await sandbox.json<PerfReportResult>(['perf', 'report', '--out', join(sandbox.home, 'by-user.html'), '--by', 'user'])
    expect(r.holds.series).toEqual(['everyone (records name no member)'])
    expect(r.notes.some((n) => n.startsWith('These records name no member'))).toBe(true)
  })

  it('--model: a typo is a usage error naming the model meant and writes nothing; a known model with no history writes the page and says so', async () => {
    const typo = await sandbox.run(['perf', 'report', '--out', join(sandbox.home, 'm.html'), '--model', 'sonet'])
    expect(typo.code).toBe(64)
    expect(typo.stderr).toContain('Did you mean "sonnet"?')
    await expect(readFile(join(sandbox.home, 'm.html'))).rejects.toThrow(/ENOENT/)

    const known = await sandbox.run(['perf', 'report', '--out', join(sandbox.home, 'gemini.html'), '--model', 'gemini'])
    expect(known.code).toBe(0)
    expect(known.stderr).toContain('gemini has no recorded attempts yet. Models with history:')
    expect((await readFile(join(sandbox.home, 'gemini.html'), 'utf8')).startsWith('<!doctype html>')).toBe(true)
  })

  it('errors name the fix and write nothing: a file where a folder should be, a --since it cannot read', async () => {
    const blocker = join(sandbox.home, 'a-file')
    await writeFile(blocker, 'not a folder')
    const r = await sandbox.run(['perf', 'report', '--out', join(blocker, 'report.html'), '--json'])
    expect(r.code).toBe(1)
    expect(JSON.parse(r.stdout).error).toMatchObject({code: 'REPORT_WRITE_FAILED', actions: [expect.stringContaining('--out FILE')]})
    expect(JSON.parse(r.stdout).error.message).toContain(`Cannot write the report to ${join(blocker, 'report.html')}`)
    expect(await readFile(blocker, 'utf8')).toBe('not a folder')

    const since = await sandbox.run(['perf', 'report', '--since', 'last tuesday'])
    // A usage error, as `cto perf --since`: the same strict flag.
    expect(since.code).toBe(64)
    expect(since.stderr).toContain('Cannot read --since "last tuesday": not a duration, a date or a time. Use a duration such as 7d')
  })

  it('--help shows examples', async () => {
    const r = await sandbox.run(['perf', 'report', '--help'])
    expect(r.stdout).toContain('$ cto perf report --open')
    expect(r.stdout).toContain('--by=<option>')
  })
})

describe('cto perf report on an empty store', () => {
  it('writes the friendly page and says the store is empty', async () => {
    const empty = await makeSandbox()
    try {
      const r = await empty.run(['perf', 'report', '--out', join(empty.home, 'r.html')])
      expect(r.code).toBe(0)
      expect(r.stdout).toContain('The store is empty: the page says how to fill it.')
      expect(await readFile(join(empty.home, 'r.html'), 'utf8')).toContain('"empty":true')
    } finally {
      await empty.cleanup()
    }
  })
})
