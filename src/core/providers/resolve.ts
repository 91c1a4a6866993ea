import type {CatalogModel} from './registry.js'

/** Where a model's key came from. Never the key itself. */
export type KeySource =
  | {kind: 'env'; name: string}
  /** A model's own agent config (`scope: 'model'`) or its provider's (`scope: 'provider'`). */
  | {kind: 'agent-config'; path: string; scope: 'model' | 'provider'}
  | {kind: 'none'}

/** A model as the core uses it: the plugin's spec with config, endpoint and key applied. */
export interface ResolvedModel extends CatalogModel {
  enabled: boolean
  /** Endpoint actually used (config > agent config > provider setting > plugin default). */
  baseURL?: string
  modelId: string
  /** The key, when one was found. Never print it: see `maskKey`. */
  apiKey?: string
  keySource: KeySource
  maxTokens?: number
  temperature?: number
}
