import {describe, expect, it} from 'vitest'
import {MemoryPerfStore} from '../../src/core/replay/memory-perf-store.js'
import {classificationHints, renderHints} from '../../src/core/router/classification-hints.js'
import {FLEET, recordMany} from './helpers.js'

describe('classificationHints', () => {
  it('tells the CTO each usable model\'s record for the task type', () => {
    const perf = new MemoryPerfStore()
    recordMany(perf, 'deepseek', 'coding', 4, 3, {cost: 0.002})
    recordMany(perf, 'deepseek', 'research', 10, 0)
    const models = FLEET.map((m) => (m.name === 'glm' ? {...m, hasKey: false} : m))
    const hints = classificationHints(models, perf, 'coding')
    expect(hints.map((h) => h.model)).not.toContain('glm')
    expect(hints.find((h) => h.model === 'deepseek')).toMatchObject({attempts: 4, success_rate: 0.75, cost_per_call_usd: 0.002, tools: true})
    expect(hints.find((h) => h.model === 'kimi')).toMatchObject({attempts: 0, success_rate: undefined, research_only: true})
    const text = renderHints(hints, 'coding')
    expect(text).toContain('- deepseek (external, tools; $0.27/$1.1 per M tokens in/out): coding: 75% approved over 4')
    expect(text).toContain('kimi (external, text only')
  })
})
