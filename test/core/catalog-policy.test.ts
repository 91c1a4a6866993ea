/**
 * The policy the plugins declare, derived from the catalog: with the first-party plugins it is the
 * original system's (haiku → sonnet → opus, each external model → sonnet → opus, CTO deepseek,
 * complex work on opus kept); another catalog gets its own, and the core adds no name of its own.
 */
import {describe, expect, it} from 'vitest'
import {readdir} from 'node:fs/promises'
import {join} from 'node:path'
import {aliasTable, ctoModelForProvider, defaultCtoModel, derivedFallbackChains, escalationLadder, protectedModelNames, workerForComplexity, type PolicyModel} from '../../src/core/providers/catalog-policy.js'
import {factories} from '../../src/core/providers/factories.js'
import type {ProviderDefinition, ProvidersHook} from '../../src/core/providers/spec.js'
import {REPO} from '../support/run-cli.js'

async function firstParty(): Promise<PolicyModel[]> {
  const out: PolicyModel[] = []
  for (const dir of await readdir(join(REPO, 'plugins'))) {
    const mod = (await import(join(REPO, 'plugins', dir, 'src', 'hooks', 'providers.ts'))) as {default: ProvidersHook}
    const answer = await mod.default({specificationVersion: 'v2', supportedSpecificationVersions: ['v1', 'v2'], factories, settings: () => undefined})
    for (const def of ([] as ProviderDefinition[]).concat(answer)) {
      for (const m of def.models) out.push({...m, plugin: `@cto-cli/${dir}`, pluginType: 'core', providerName: def.name})
    }
  }
  return out
}

const model = (name: string, over: Partial<PolicyModel> = {}): PolicyModel => ({
  name,
  provider: 'p',
  providerName: 'p',
  plugin: 'cto-provider-p',
  pluginType: 'user',
  pricing: {inputPerMTok: 1, outputPerMTok: 1},
  enabledByDefault: true,
  ...over,
})

describe('the first-party plugins declare the original system\'s policy', () => {
  it('chains, CTO, protected models, aliases and the heuristic\'s picks', async () => {
    const models = await firstParty()
    expect(escalationLadder(models)).toEqual(['haiku', 'sonnet', 'opus'])
    expect(derivedFallbackChains(models)).toEqual({
      haiku: ['sonnet', 'opus'],
      sonnet: ['opus'],
      deepseek: ['sonnet', 'opus'],
      gemini: ['sonnet', 'opus'],
      glm: ['sonnet', 'opus'],
      kimi: ['sonnet', 'opus'],
      minimax: ['sonnet', 'opus'],
      'gpt-4': ['sonnet', 'opus'],
    })
    expect(defaultCtoModel(models)).toBe('deepseek')
    expect(protectedModelNames(models)).toEqual(['opus'])
    expect(ctoModelForProvider(models, 'claude')).toBe('sonnet')
    expect(ctoModelForProvider(models, 'anthropic')).toBe('sonnet')
    expect(ctoModelForProvider(models, 'openai')).toBe('gpt-4')
    expect(ctoModelForProvider(models, 'moonshot')).toBe('kimi')
    expect(ctoModelForProvider(models, 'nobody')).toBeUndefined()
    expect(workerForComplexity(models, 'simple', 'deepseek')).toBe('haiku')
    expect(workerForComplexity(models, 'moderate', 'deepseek')).toBe('sonnet')
    expect(workerForComplexity(models, 'complex', 'deepseek')).toBe('opus')
    const aliases = aliasTable(models)
    expect(aliases.get('claude-3-haiku')).toBe('haiku')
    expect(aliases.get('deepseek-chat')).toBe('deepseek')
    expect(aliases.get('moonshot')).toBe('kimi')
    expect(aliases.get('zhipu')).toBe('glm')
    expect(aliases.get('gpt4')).toBe('gpt-4')
  })
})

describe('another catalog gets its own policy', () => {
  const ladder = [
    model('mini', {tier: 'small', escalatesTo: 'mid', aliases: ['mini-old']}),
    model('mid', {tier: 'medium', escalatesTo: 'max', canBeCto: true, pricing: {inputPerMTok: 2, outputPerMTok: 8}}),
    model('max', {tier: 'large', protected: true, canBeCto: true, pricing: {inputPerMTok: 9, outputPerMTok: 30}}),
    model('cheap', {pricing: {inputPerMTok: 0.1, outputPerMTok: 0.1}}),
    model('midsized', {tier: 'medium'}),
  ]

  it('derives chains from escalatesTo, and the ladder above their tier for the rest', () => {
    expect(derivedFallbackChains(ladder)).toEqual({mini: ['mid', 'max'], mid: ['max'], cheap: ['mid', 'max'], midsized: ['max']})
    expect(protectedModelNames(ladder)).toEqual(['max'])
    expect(defaultCtoModel(ladder)).toBe('mid')
    expect(aliasTable(ladder).get('mini-old')).toBe('mini')
    expect(workerForComplexity(ladder, 'complex', 'mid')).toBe('max')
  })

  it('without declarations: no chains, no protected model, the cheapest model as CTO, the CTO as the heuristic\'s pick', () => {
    const plain = [model('a', {pricing: {inputPerMTok: 3, outputPerMTok: 3}}), model('b')]
    expect(derivedFallbackChains(plain)).toEqual({})
    expect(protectedModelNames(plain)).toEqual([])
    expect(defaultCtoModel(plain)).toBe('b')
    expect(workerForComplexity(plain, 'simple', 'b')).toBe('b')
    expect(defaultCtoModel([])).toBeUndefined()
  })

  it('stops at a cycle and at a name no plugin provides', () => {
    const cyclic = [model('x', {escalatesTo: 'y'}), model('y', {escalatesTo: 'x'}), model('z', {escalatesTo: 'gone'})]
    const chains = derivedFallbackChains(cyclic)
    expect(chains.x).toEqual(['y'])
    expect(chains.y).toEqual(['x'])
    expect(chains.z).toBeUndefined()
  })

  it('a plugin the user installs never takes the default CTO from a core plugin, however cheap', () => {
    const core = model('core-cto', {pluginType: 'core', canBeCto: true, pricing: {inputPerMTok: 5, outputPerMTok: 5}})
    const installed = model('installed-cto', {pluginType: 'user', canBeCto: true, pricing: {inputPerMTok: 0, outputPerMTok: 0}})
    expect(defaultCtoModel([installed, core])).toBe('core-cto')
    expect(defaultCtoModel([installed])).toBe('installed-cto')
  })
})
