import {describe, expect, it} from 'vitest'
import {findModel, type CtoContext} from '../../src/core/context.js'
import {CtoError} from '../../src/core/errors.js'
import type {ResolvedModel} from '../../src/core/providers/resolve.js'

const model = (name: string, aliases: string[] = []): ResolvedModel =>
  ({name, aliases, plugin: `@cto-cli/provider-${name}`, enabled: true} as unknown as ResolvedModel)

// A context where the user uninstalled the kimi plugin: only deepseek and haiku are known.
const ctx = {models: [model('deepseek', ['deepseek-chat']), model('haiku')]} as unknown as CtoContext

describe('findModel', () => {
  it('finds a model by name or legacy alias', () => {
    expect(findModel(ctx, 'DeepSeek').name).toBe('deepseek')
    expect(findModel(ctx, 'deepseek-chat').name).toBe('deepseek')
  })

  it('names the plugin to install for a first-party model whose plugin is gone', () => {
    try {
      findModel(ctx, 'kimi')
      expect.unreachable()
    } catch (error) {
      expect(CtoError.isInstance(error)).toBe(true)
      expect((error as CtoError).message).toBe('Model "kimi" needs the plugin @cto-cli/provider-kimi, which is not installed.')
      expect((error as CtoError).actions).toEqual(['Install it with "cto plugins install @cto-cli/provider-kimi".'])
    }
  })

  it('suggests the closest name for a typo', () => {
    expect(() => findModel(ctx, 'haikuu')).toThrow('Unknown model "haikuu". Did you mean "haiku"?')
    expect(() => findModel(ctx, 'zzz')).toThrow(/^Unknown model "zzz"\.$/)
  })
})
