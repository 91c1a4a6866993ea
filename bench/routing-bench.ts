/**
 * The routing decision with a full store: `selectRoute` (phase 2 and the learned cascade plan) and
 * `nextEscalation` reading a performance store of 100,000 records and a learned cascade state that
 * has folded 100,000 observations (task-like: first attempts, escalations after one and two
 * failures, each with the task's hashed features), plus opening the store (what a `cto task`
 * process pays once). Target: the decision under 5 ms. Budgets are unlimited here: the store
 * benchmark's records end today, and the default budgets would refuse every model.
 *
 * Also measured: folding 100,000 observations (what rebuilding the learned state from the raw
 * attempts costs, phase B) and the learned state's size as JSON (what the store would keep).
 */
import {openStore} from '../src/core/store/perf-store.js'
import {selectRoute} from '../src/core/router/select-route.js'
import {nextEscalation} from '../src/core/router/escalation.js'
import {MemoryCascadeStats, cascadeStateFromJson, cascadeStateToJson} from '../src/core/router/cascade-stats.js'
import {createSeededRandom} from '../src/core/router/seeded-random.js'
import {taskFeatures} from '../src/core/router/task-features.js'
import type {RouteModel} from '../src/core/router/route-model.js'
import {TASK_TYPES, COMPLEXITIES} from '../src/core/providers/spec.js'
import {join} from 'node:path'
import {median} from './startup.js'

/** The first-party fleet at its prices (also the team bench's). */
export const MODELS: RouteModel[] = [
  ['haiku', 'claude', 'claude-cli', true, 1, 5],
  ['sonnet', 'claude', 'claude-cli', true, 3, 15],
  ['opus', 'claude', 'claude-cli', true, 5, 25],
  ['deepseek', 'external', 'openai-tools', true, 0.28, 0.42],
  ['minimax', 'external', 'openai-tools', true, 0.3, 1.2],
  ['gpt-4', 'external', 'openai-tools', true, 10, 30],
  ['kimi', 'external', 'text', false, 0.6, 2.5],
  ['glm', 'external', 'text', false, 0.6, 2.2],
].map(([name, group, engine, tools, i, o]) => ({name, group, engine, supportsTools: tools, pricing: {inputPerMTok: i, outputPerMTok: o}, enabled: true, hasKey: true}) as RouteModel)

/** A fleet as large as RouterBench's (11 models), all tool-capable. */
const ELEVEN: RouteModel[] = Array.from({length: 11}, (_, i) => ({
  name: `model-${i}`,
  group: i < 3 ? 'claude' : 'external',
  engine: 'openai-tools',
  supportsTools: true,
  pricing: {inputPerMTok: 0.1 * (i + 1) ** 2, outputPerMTok: 0.3 * (i + 1) ** 2},
  enabled: true,
  hasKey: true,
}))

const TASKS = [
  'fix the failing test in src/parser.ts',
  'summarise the open issues and group them by area',
  'write a bash one-liner that lists the ten largest files',
  'add a --verbose flag to scripts/build.sh and document it in the README',
  'deploy the staging branch to fly.io',
  'analyse last week\'s error logs for the most frequent cause',
]

export interface RoutingBenchResult {
  records: number
  open_ms: number
  select_ms: number
  escalate_ms: number
  /** The same with 11 models (RouterBench's fleet). */
  select_11_ms: number
  escalate_11_ms: number
  observations: number
  fold_ms: number
  state_kb: number
  /** Parse the learned state's JSON and load it (what a process would pay once, phase B). */
  load_state_ms: number
}

/** Folds `count` task-like observations: first attempts, and escalations after one and two failures. */
export function learnedState(models: readonly RouteModel[], count: number): MemoryCascadeStats {
  const stats = new MemoryCascadeStats()
  const random = createSeededRandom(7)
  const features = TASKS.map((t) => taskFeatures(t))
  let n = 0
  while (n < count) {
    const type = TASK_TYPES[n % TASK_TYPES.length]
    const f = features[n % features.length] ?? []
    const failed: string[] = []
    for (let step = 0; step < 3 && n < count; step++, n++) {
      const m = models[Math.floor(random() * models.length)] as RouteModel
      if (failed.includes(m.name)) continue
      const success = random() < 0.4 + 0.1 * step
      stats.observe({type, model: m.name, failed: [...failed], success, cost_usd: 0.001 * (1 + m.pricing.inputPerMTok), features: f})
      if (success) break
      failed.push(m.name)
    }
  }
  return stats
}

function timeDecisions(models: readonly RouteModel[], stats: MemoryCascadeStats, store: Parameters<typeof selectRoute>[0]['perf'], runs: number): {select: number; escalate: number} {
  const random = createSeededRandom(1)
  const select: number[] = []
  const escalate: number[] = []
  const claude = models.filter((m) => m.group === 'claude').map((m) => m.name)
  const external = models.filter((m) => m.group === 'external' && m.supportsTools).map((m) => m.name)
  for (let i = 0; i < runs; i++) {
    const type = TASK_TYPES[i % TASK_TYPES.length]
    const complexity = COMPLEXITIES[i % 2]
    const learned = {stats, features: taskFeatures(TASKS[i % TASKS.length] as string)}
    let t = performance.now()
    selectRoute({classification: {type, complexity}, ctoChoice: claude[i % claude.length] as string, models, perf: store, random, budgets: {claude: 1e12, external: 1e12}, learned})
    select.push(performance.now() - t)
    t = performance.now()
    const failedModel = external[i % external.length] as string
    nextEscalation({failedModel, tried: [failedModel], failedAttempts: 1, type, models, perf: store, fallbackChains: {}, learned, random})
    escalate.push(performance.now() - t)
  }
  return {select: median(select), escalate: median(escalate)}
}

export async function runRoutingBench(dataDir: string, runs = 2000): Promise<RoutingBenchResult> {
  const opens: number[] = []
  let store = await openStore({dir: join(dataDir, 'perf')})
  for (let i = 0; i < 9; i++) {
    const t = performance.now()
    store = await openStore({dir: join(dataDir, 'perf')})
    opens.push(performance.now() - t)
  }
  const observations = store.info().attempts
  const t = performance.now()
  const stats = learnedState(MODELS, observations)
  const foldMs = performance.now() - t
  const stateText = JSON.stringify(cascadeStateToJson(stats.state))
  const stateKb = Buffer.byteLength(stateText) / 1024
  const loads: number[] = []
  for (let i = 0; i < 9; i++) {
    const t0 = performance.now()
    new MemoryCascadeStats({state: cascadeStateFromJson(JSON.parse(stateText))})
    loads.push(performance.now() - t0)
  }
  const eight = timeDecisions(MODELS, stats, store, runs)
  const eleven = timeDecisions(ELEVEN, learnedState(ELEVEN, observations), store, Math.floor(runs / 2))
  return {
    records: observations,
    open_ms: median(opens),
    select_ms: eight.select,
    escalate_ms: eight.escalate,
    select_11_ms: eleven.select,
    escalate_11_ms: eleven.escalate,
    observations,
    fold_ms: foldMs,
    state_kb: stateKb,
    load_state_ms: median(loads),
  }
}
