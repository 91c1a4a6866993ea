/**
 * The core names no model: the plugins own their models (issue 15). Every model name, legacy alias
 * and model id a first-party plugin declares is looked for in the code of src/core — string
 * literals, template text, regular expressions and identifiers (object keys included); comments
 * and fixtures don't count. The names come from running the plugins' hooks, so a model a plugin
 * adds is checked too.
 */
import {describe, expect, it} from 'vitest'
import {readdir, readFile} from 'node:fs/promises'
import {join, relative} from 'node:path'
import ts from 'typescript'
import {factories} from '../../src/core/providers/factories.js'
import type {ProviderDefinition, ProvidersHook} from '../../src/core/providers/spec.js'
import {REPO} from '../support/run-cli.js'

async function firstPartyNames(): Promise<string[]> {
  const names = new Set<string>()
  for (const dir of await readdir(join(REPO, 'plugins'))) {
    const mod = (await import(join(REPO, 'plugins', dir, 'src', 'hooks', 'providers.ts'))) as {default: ProvidersHook}
    const answer = await mod.default({specificationVersion: 'v2', supportedSpecificationVersions: ['v1', 'v2'], factories, settings: () => undefined})
    for (const def of ([] as ProviderDefinition[]).concat(answer)) {
      for (const m of def.models) for (const n of [m.name, m.modelId, ...(m.aliases ?? [])]) names.add(n.toLowerCase())
    }
  }
  return [...names]
}

async function tsFiles(dir: string): Promise<string[]> {
  const out: string[] = []
  for (const e of await readdir(dir, {withFileTypes: true})) {
    const p = join(dir, e.name)
    if (e.isDirectory() && e.name !== 'fixtures') out.push(...(await tsFiles(p)))
    else if (e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') && !e.name.includes('fixture')) out.push(p)
  }
  return out
}

/** The code's words that could name a model: literals, template text, regular expressions, identifiers. Never comments. */
export function codeTexts(file: string, text: string): Array<{text: string; line: number}> {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true)
  const out: Array<{text: string; line: number}> = []
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node) || ts.isRegularExpressionLiteral(node) || ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) {
      out.push({text: node.text, line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1})
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return out
}

/** A name as a whole word: not part of a longer name (`gpt-4` is not in `gpt-4o`, `glm` not in `glm-4`). */
function mentions(text: string, name: string): boolean {
  const escaped = name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
  return new RegExp(`(^|[^a-z0-9_.-])${escaped}($|[^a-z0-9_-])`, 'i').test(text)
}

function offences(file: string, text: string, names: string[]): string[] {
  const found: string[] = []
  for (const t of codeTexts(file, text)) for (const n of names) if (mentions(t.text, n)) found.push(`${file}:${t.line} names "${n}" (${JSON.stringify(t.text.slice(0, 60))})`)
  return found
}

describe('the core names no model', () => {
  it('finds no first-party model name, alias or model id in the code of src/core', async () => {
    const names = await firstPartyNames()
    // The plugins were read: the Claude ladder and a legacy name are among the names.
    expect(names).toEqual(expect.arrayContaining(['haiku', 'sonnet', 'opus', 'deepseek', 'deepseek-chat']))
    const found: string[] = []
    for (const file of await tsFiles(join(REPO, 'src', 'core'))) found.push(...offences(relative(REPO, file), await readFile(file, 'utf8'), names))
    expect(found).toEqual([])
  })

  it('would see a name in a string, a template, an object key or a regular expression, and not in a comment', () => {
    const names = ['opus', 'gpt-4']
    const bad = [
      "const chain = ['sonnet', 'opus']",
      'const m = `${x} → opus`',
      'const table = {opus: 1}',
      'const re = /gpt-4/',
    ]
    for (const code of bad) expect(offences('x.ts', code, names), code).not.toEqual([])
    const fine = ['// falls back to opus', '/** opus → nothing */ const a = 1', "const id = 'gpt-4o-mini'", "const s = 'opuses'"]
    for (const code of fine) expect(offences('x.ts', code, names), code).toEqual([])
  })
})
