/**
 * The layers, kept by ESLint's no-restricted-imports and no-restricted-syntax (eslint.config.js):
 * store, router and tools never import CLI helpers; providers never import config; a provider
 * plugin imports only @cto-cli/provider-spec. The tree has no violation, and a planted one — a
 * static or a dynamic import — is caught, so the rules can't silently stop applying.
 */
import {describe, expect, it} from 'vitest'
import {ESLint} from 'eslint'
import {REPO} from '../support/run-cli.js'

const LAYER_RULES = new Set(['no-restricted-imports', 'no-restricted-syntax'])
const eslint = new ESLint({cwd: REPO})

async function layerProblems(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, {filePath: `${REPO}/${filePath}`})
  return (result?.messages ?? []).filter((m) => m.ruleId !== null && LAYER_RULES.has(m.ruleId)).map((m) => `${filePath}:${m.line} ${m.message}`)
}

describe('architecture', () => {
  it('the tree keeps its layers', async () => {
    const results = await eslint.lintFiles(['src/core/store', 'src/core/router', 'src/core/tools', 'src/core/providers', 'plugins/*/src/**/*.ts', 'docs/plugin-example'])
    const problems = results.flatMap((r) => r.messages.filter((m) => m.ruleId !== null && LAYER_RULES.has(m.ruleId)).map((m) => `${r.filePath}:${m.line} ${m.message}`))
    expect(problems).toEqual([])
    // The files were linted, the plugins' too.
    expect(results.some((r) => r.filePath.includes('/plugins/provider-claude/src/'))).toBe(true)
    expect(results.some((r) => r.filePath.includes('/src/core/router/'))).toBe(true)
  })

  it.each([
    ['src/core/store/planted.ts', "import {renderTable} from '../cli/table.js'\n"],
    ['src/core/router/planted.ts', "export async function f() { return import('../cli/format.js') }\n"],
    ['src/core/tools/worker/planted.ts', "import type {Column} from '../../cli/table.js'\nexport type C = Column<string>\n"],
    ['src/core/providers/planted.ts', "import type {EffectiveConfig} from '../config/effective.js'\nexport type E = EffectiveConfig\n"],
    ['src/core/providers/planted-dynamic.ts', "export const load = () => import('../config/layers.js')\n"],
    ['plugins/provider-x/src/hooks/providers.ts', "import {factories} from '../../../../src/core/providers/factories.js'\nexport default factories\n"],
    ['plugins/provider-x/src/hooks/other.ts', "import {Config} from '@oclif/core'\nexport default Config\n"],
    ['plugins/provider-x/src/hooks/dynamic.ts', "export const core = () => import('cto-cli')\n"],
  ])('catches %s', async (file, code) => {
    expect(await layerProblems(code, file)).not.toEqual([])
  })

  it.each([
    ['src/core/store/planted.ts', "import type {TaskType} from '../providers/spec.js'\nexport type T = TaskType\n"],
    ['src/core/providers/planted.ts', "import type {Catalog} from './registry.js'\nexport type C = Catalog\n"],
    ['plugins/provider-x/src/hooks/providers.ts', "import type {ProvidersHook} from '@cto-cli/provider-spec'\nimport {v1} from '@cto-cli/provider-spec'\nexport const h: ProvidersHook | typeof v1 | undefined = undefined\n"],
    ['plugins/provider-x/src/hooks/v2.ts', "import type {ModelSpec} from '@cto-cli/provider-spec/v2'\nexport type M = ModelSpec\n"],
  ])('allows %s', async (file, code) => {
    expect(await layerProblems(code, file)).toEqual([])
  })
})
