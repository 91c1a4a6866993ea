import {describe, expect, it} from 'vitest'
import {findModel, type CtoContext} from '../../src/core/context.js'
import {CtoError} from '../../src/core/errors.js'
import type {ResolvedModel} from '../../src/core/providers/resolve.js'

const model = (name: string, aliases: string[] = []): ResolvedModel =>
  ({name, aliases, plugin: `@cto-cli/provider-${name}`, enabled: true} as unknown as ResolvedModel)

// A context where the user uninstalled the kimi plugin but kept kimi in the config: only deepseek and haiku are models.
const ctx = {
  models: [model('deepseek', ['deepseek-chat']), model('haiku')],
  missing: [{name: 'kimi', group: 'external', enabled: true, source: '/home/u/.config/cto/config.json'}],
} as unknown as CtoContext

describe('findModel', () => {
  it('finds a model by name or legacy alias', () => {
    expect(findModel(ctx, 'DeepSeek').name).toBe('deepseek')
    expect(findModel(ctx, 'deepseek-chat').name).toBe('deepseek')
  })

  it('says "plugin missing" for a model the config keeps whose plugin is gone, and names both fixes', () => {
    try {
      findModel(ctx, 'kimi')
      expect.unreachable()
    } catch (error) {
      expect(CtoError.isInstance(error)).toBe(true)
      expect((error as CtoError).code).toBe('PLUGIN_MISSING')
      expect((error as CtoError).exitCode).toBe(1)
      expect((error as CtoError).message).toBe('Model "kimi" is in your config (/home/u/.config/cto/config.json), but no installed plugin provides it (plugin missing).')
      expect((error as CtoError).actions).toEqual(['Install the plugin that provides it: cto plugins install <plugin>', 'Or remove it from your config: cto config unset worker_models.external.kimi'])
    }
  })

  it('suggests the closest name for a typo', () => {
    expect(() => findModel(ctx, 'haikuu')).toThrow('Unknown model "haikuu". Did you mean "haiku"?')
    expect(() => findModel(ctx, 'zzz')).toThrow(/^Unknown model "zzz"\.$/)
  })
})
