/**
 * What the router needs to know about a model: a narrow view of ResolvedModel, so the router can be
 * fed by `cto task` (from the registry) and by the replay (from a CSV header) alike.
 */
import type {EngineKind, ModelGroup, ModelPricing, TaskType} from '../providers/spec.js'
import type {ResolvedModel} from '../providers/resolve.js'

export interface RouteModel {
  name: string
  group: ModelGroup
  engine: EngineKind
  supportsTools: boolean
  pricing: ModelPricing
  enabled: boolean
  /** A key was found, or the model needs none (local models). */
  hasKey: boolean
  /** Expected cost of one call in USD, when known better than from `pricing` (the replay's price list). */
  callCostUsd?: number
  /** Why the model can't be used at all right now (its engine can't start, its key was refused...): skipped. */
  unavailable?: string
}

export function routeModelFromResolved(model: ResolvedModel): RouteModel {
  return {
    name: model.name,
    group: model.group,
    engine: model.engine,
    supportsTools: model.supportsTools,
    pricing: model.pricing,
    enabled: model.enabled,
    hasKey: !model.needsKey || (model.apiKey !== undefined && model.apiKey.length > 0),
  }
}

/** Task types whose worker must call tools (edit files, run commands). */
export const TOOL_TASK_TYPES: readonly TaskType[] = ['bash_command', 'coding', 'deployment']

export function needsTools(type: TaskType): boolean {
  return TOOL_TASK_TYPES.includes(type)
}

/** A research-only model: text in, text out. */
export function isResearchOnly(model: RouteModel): boolean {
  return model.engine === 'text'
}

/** Attempts a task makes before it is blocked (config-free default; `cto task --max-attempts` is internal). */
export const DEFAULT_MAX_ATTEMPTS = 3

/** Daily token budgets per group; a missing group has no limit. */
export type GroupBudgets = Partial<Record<ModelGroup, number>>
