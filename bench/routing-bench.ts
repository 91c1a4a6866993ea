/**
 * The routing decision with a full store: `selectRoute` (phase 2) and `nextEscalation` reading a
 * performance store of the store benchmark (10,000,000 records by default), plus opening that store (what a `cto task` process pays
 * once). Target: the decision under 5 ms.
 */
import {openStore} from '../src/core/store/perf-store.js'
import {selectRoute} from '../src/core/router/weighted-selection.js'
import {nextEscalation} from '../src/core/router/escalation.js'
import {createSeededRandom} from '../src/core/router/seeded-random.js'
import type {RouteModel} from '../src/core/router/route-model.js'
import {TASK_TYPES, COMPLEXITIES} from '../src/core/providers/spec.js'
import {join} from 'node:path'
import {median} from './startup.js'

const MODELS: RouteModel[] = [
  ['haiku', 'claude', 'claude-cli', true, 1, 5],
  ['sonnet', 'claude', 'claude-cli', true, 3, 15],
  ['opus', 'claude', 'claude-cli', true, 5, 25],
  ['deepseek', 'external', 'openai-tools', true, 0.28, 0.42],
  ['minimax', 'external', 'openai-tools', true, 0.3, 1.2],
  ['gpt-4', 'external', 'openai-tools', true, 10, 30],
  ['kimi', 'external', 'text', false, 0.6, 2.5],
  ['glm', 'external', 'text', false, 0.6, 2.2],
].map(([name, group, engine, tools, i, o]) => ({name, group, engine, supportsTools: tools, pricing: {inputPerMTok: i, outputPerMTok: o}, enabled: true, hasKey: true}) as RouteModel)

export interface RoutingBenchResult {
  records: number
  open_ms: number
  select_ms: number
  escalate_ms: number
}

export async function runRoutingBench(dataDir: string, runs = 2000): Promise<RoutingBenchResult> {
  const opens: number[] = []
  let store = await openStore({dir: join(dataDir, 'perf')})
  for (let i = 0; i < 9; i++) {
    const t = performance.now()
    store = await openStore({dir: join(dataDir, 'perf')})
    opens.push(performance.now() - t)
  }
  const random = createSeededRandom(1)
  const select: number[] = []
  const escalate: number[] = []
  for (let i = 0; i < runs; i++) {
    const type = TASK_TYPES[i % TASK_TYPES.length]
    const complexity = COMPLEXITIES[i % 2]
    let t = performance.now()
    selectRoute({classification: {type, complexity}, ctoChoice: i % 3 === 0 ? 'sonnet' : 'haiku', models: MODELS, perf: store, random, budgets: {claude: 1e12, external: 1e12}})
    select.push(performance.now() - t)
    t = performance.now()
    nextEscalation({failedModel: 'deepseek', tried: ['deepseek'], failedAttempts: 1, type, models: MODELS, perf: store, fallbackChains: {deepseek: []}})
    escalate.push(performance.now() - t)
  }
  return {records: store.info().attempts, open_ms: median(opens), select_ms: median(select), escalate_ms: median(escalate)}
}
