import {describe, expect, it} from 'vitest'
import {MemoryCascadeStats} from '../../src/core/router/cascade-stats.js'
import {estimateSuccess} from '../../src/core/router/success-estimate.js'
import {taskFeatures} from '../../src/core/router/task-features.js'
import {textOffset} from '../../src/core/router/text-model.js'

describe('the text model', () => {
  it('learns which words make a model succeed on a type, as results arrive', () => {
    const s = new MemoryCascadeStats()
    const sql = taskFeatures('write the SQL query for the report table')
    const css = taskFeatures('fix the CSS layout of the header component')
    for (let i = 0; i < 300; i++) {
      s.observe({type: 'coding', model: 'a', failed: [], success: true, cost_usd: 0.001, features: sql})
      s.observe({type: 'coding', model: 'a', failed: [], success: i % 10 === 0, cost_usd: 0.001, features: css})
    }
    // The counts say 55 % for a on coding; the words tell the two kinds apart.
    expect(estimateSuccess(s, 'coding', 'a', []).mean).toBeCloseTo(0.55, 1)
    const up = textOffset(s.textWeights, s.textBits, 'a', sql)
    const down = textOffset(s.textWeights, s.textBits, 'a', css)
    expect(up).toBeGreaterThan(0.5)
    expect(down).toBeLessThan(-0.5)
    // Capped, and nothing learned for another model.
    expect(Math.abs(up)).toBeLessThanOrEqual(1.5)
    expect(textOffset(s.textWeights, s.textBits, 'b', sql)).toBeCloseTo(0, 1)
  })

  it('learns nothing without features, or with a zero learning rate', () => {
    const s = new MemoryCascadeStats({params: {text: {learningRate: 0}}})
    const f = taskFeatures('anything at all')
    for (let i = 0; i < 50; i++) s.observe({type: 'coding', model: 'a', failed: [], success: true, cost_usd: 0, features: f})
    expect(Array.from(s.textWeights).every((w) => w === 0)).toBe(true)
    expect(textOffset(s.textWeights, s.textBits, 'a', [])).toBe(0)
  })
})
