import type {ModelSpec} from './spec.js'

/** Where a model's key came from. Never the key itself. */
export type KeySource = {kind: 'env'; name: string} | {kind: 'agent-config'; path: string} | {kind: 'none'}

/** A model as the core uses it: the plugin's spec with config, endpoint and key applied. */
export interface ResolvedModel extends ModelSpec {
  /** Plugin (npm package) that provides it. */
  plugin: string
  enabled: boolean
  /** Endpoint actually used (config > agent config > plugin default). */
  baseURL?: string
  modelId: string
  /** The key, when one was found. Never print it: see `maskKey`. */
  apiKey?: string
  keySource: KeySource
  maxTokens?: number
  temperature?: number
}
