/**
 * Start-up: what a command loads before it does anything is what every user waits for. zod is
 * ~0.75 MB of bundle (a config file's check is cached so that it is not needed at start), openai
 * and the engines load with the first model call, postgres with a team store. Two regressions of
 * this kind were found by profiling (a default constant beside its zod schema pulled zod into every
 * command; the task loop's tool-policy schema into every dry run). This walks the static imports
 * of the commands users run most, from the sources, and fails when one of them reaches such a
 * package again. `import type` and `await import()` don't count: they load nothing at start.
 */
import {readFileSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'
import {describe, expect, it} from 'vitest'
import {REPO} from '../support/run-cli.js'

const HEAVY = ['zod', 'openai', 'postgres', 'listr2', 'echarts', '@anthropic-ai/sandbox-runtime']

/** The packages a source file reaches through static, value imports; with the chain to the first file that imports each. */
function staticPackages(entry: string): Map<string, string[]> {
  const found = new Map<string, string[]>()
  const seen = new Set<string>()
  const visit = (file: string, chain: string[]) => {
    if (seen.has(file)) return
    seen.add(file)
    const text = readFileSync(file, 'utf8')
    for (const m of text.matchAll(/^import\s+(?!type\s)(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm)) {
      const spec = m[1]
      const here = [...chain, file.replace(`${REPO}/`, '')]
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec.replace(/\.js$/, '.ts')), here)
      else if (!spec.startsWith('node:')) {
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]
        if (!found.has(name)) found.set(name, here)
      }
    }
  }
  visit(join(REPO, entry), [])
  return found
}

describe('start-up imports', () => {
  it.each(['src/commands/models/list.ts', 'src/commands/config/show.ts', 'src/commands/task.ts', 'src/commands/perf/index.ts', 'src/commands/status.ts'])(
    '%s loads no heavy package before it runs',
    (entry) => {
      const packages = staticPackages(entry)
      const heavy = HEAVY.filter((p) => packages.has(p)).map((p) => `${p} via ${(packages.get(p) ?? []).join(' → ')}`)
      expect(heavy).toEqual([])
      // The walk does follow the imports: oclif is reached from every command.
      expect(packages.has('@oclif/core')).toBe(true)
    },
  )

  it('would see a heavy package imported through another file', () => {
    const packages = staticPackages('src/core/config/review-schema.ts')
    expect(packages.has('zod')).toBe(true)
  })
})
