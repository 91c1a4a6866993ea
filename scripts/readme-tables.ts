/**
 * The README's command table and exit-code table, made from the commands' own metadata (the oclif
 * manifest: ids, arguments, summaries, and the `exitCodes` a command declares) and from
 * src/core/exit-codes.ts, so the README can't drift from the CLI. `npm run readme` rewrites the two
 * tables between their markers; test/cli/readme-tables.test.ts fails when the README differs.
 */
import {Config} from '@oclif/core'
import {readFile, writeFile} from 'node:fs/promises'
import {join, resolve} from 'node:path'
import {pathToFileURL} from 'node:url'

interface CommandMeta {
  id: string
  summary?: string
  description?: string
  hidden?: boolean
  args?: Record<string, {required?: boolean}>
  exitCodes?: number[]
  aliases?: string[]
}

const FIRST = ['task', 'run', 'logs']
const DEFAULT_CODES = [0, 1, 64]

function usage(c: CommandMeta): string {
  const args = Object.entries(c.args ?? {}).map(([name, a]) => (a.required ? name.toUpperCase() : `[${name.toUpperCase()}]`))
  return ['cto', ...c.id.split(':'), ...args].join(' ')
}

function order(a: CommandMeta, b: CommandMeta): number {
  const ra = FIRST.indexOf(a.id)
  const rb = FIRST.indexOf(b.id)
  if (ra !== -1 || rb !== -1) return (ra === -1 ? FIRST.length : ra) - (rb === -1 ? FIRST.length : rb)
  return a.id.localeCompare(b.id)
}

export async function readmeTables(root: string): Promise<{commands: string; exitCodes: string}> {
  const config = await Config.load(root)
  const all = config.commands as unknown as CommandMeta[]
  // An alias (`plugins add` for `plugins install`) is the same command: listed once.
  const aliases = new Set(all.flatMap((c) => c.aliases ?? []))
  const commands = all.filter((c) => !c.hidden && !aliases.has(c.id)).sort(order)
  const {EXIT_CODES} = (await import(pathToFileURL(join(root, 'dist', 'core', 'exit-codes.js')).href)) as typeof import('../src/core/exit-codes.js')
  const cell = (s: string) => s.replaceAll('|', '\\|').replace(/\s+/g, ' ').trim()
  const text = (s: string, c: CommandMeta) => s.replaceAll('<%= config.bin %>', 'cto').replaceAll('<%= command.id %>', c.id.replaceAll(':', ' '))
  const commandRows = commands.map((c) => `| \`${cell(usage(c))}\` | ${cell(text(c.summary ?? c.description?.split('\n')[0] ?? '', c))} |`)
  const name = (c: CommandMeta) => `\`cto ${c.id.replaceAll(':', ' ')}\``
  const who = (code: number) => {
    const declared = commands.filter((c) => (c.exitCodes ?? DEFAULT_CODES).includes(code))
    const others = commands.filter((c) => !declared.includes(c))
    if (others.length === 0) return 'every command'
    return others.length <= 2 ? `every command but ${others.map(name).join(', ')}` : declared.map(name).join(', ')
  }
  const codeRows = EXIT_CODES.map((e) => `| ${e.code} | ${cell(e.meaning)} | ${who(e.code)} |`)
  return {
    commands: ['| command | what it does |', '| --- | --- |', ...commandRows].join('\n'),
    exitCodes: ['| exit code | meaning | commands |', '| --- | --- | --- |', ...codeRows].join('\n'),
  }
}

/** The README with both tables put between their markers. */
export function applyTables(readme: string, tables: {commands: string; exitCodes: string}): string {
  const put = (text: string, name: string, table: string) => {
    const re = new RegExp(`(<!-- ${name}:start[^>]*-->)[\\s\\S]*?(<!-- ${name}:end -->)`)
    if (!re.test(text)) throw new Error(`README.md has no <!-- ${name}:start --> … <!-- ${name}:end --> markers`)
    return text.replace(re, (_m, start: string, end: string) => `${start}\n${table}\n${end}`)
  }
  return put(put(readme, 'commands', tables.commands), 'exit-codes', tables.exitCodes)
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const root = resolve(import.meta.dirname, '..')
  const file = join(root, 'README.md')
  const before = await readFile(file, 'utf8')
  const after = applyTables(before, await readmeTables(root))
  if (after !== before) await writeFile(file, after)
  console.log(after === before ? 'README.md tables are up to date' : 'README.md tables rewritten')
}
