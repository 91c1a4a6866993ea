/**
 * The configuration schema: the original system's `orchestrator_config.json` (snake_case keys)
 * plus cto's own sections. Every field is optional: missing fields come from the defaults.
 */
import {z} from 'zod'
import {toolPolicySchema} from '../tools/policy/policy-schema.js'
import {reviewSchema} from './review-schema.js'

const workerModel = z.object({
  enabled: z.boolean().optional(),
  has_tools: z.boolean().optional(),
  description: z.string().optional(),
})

const budget = z.number().int().nonnegative()

export const costOptimizationSchema = z.object({
  enabled: z.boolean().optional(),
  prefer_external_for_routine: z.boolean().optional(),
  preserve_claude_tokens: z.boolean().optional(),
  token_budget_per_day: z.object({claude: budget.optional(), external: budget.optional()}).optional(),
})

export const providerEndpointSchema = z.object({
  /** The full chat-completions URL or the base URL: both are accepted. */
  api_url: z.string().min(1).optional(),
  model_id: z.string().min(1).optional(),
  config_path: z.string().min(1).optional(),
})

export const enginesSchema = z.object({
  /** Tool-calling turns before an attempt fails. */
  max_turns: z.number().int().positive().max(500).optional(),
  /** Timeout of one HTTP request to a provider. */
  request_timeout_seconds: z.number().positive().max(3600).optional(),
  /** Timeout of one whole attempt (engine run). */
  attempt_timeout_seconds: z.number().positive().max(86_400).optional(),
  /** Retries of retryable provider failures (429, 408, 409, 5xx, connection errors). */
  max_retries: z.number().int().nonnegative().max(10).optional(),
  /** Claude Code's --permission-mode. bypassPermissions is refused when running as root. */
  claude_permission_mode: z.enum(['acceptEdits', 'default', 'plan', 'bypassPermissions', 'dontAsk']).optional(),
})

/** The performance store: unset → the local files; a PostgreSQL URL → the team's database (CTO_STORE_URL wins). */
export const storeSchema = z.object({
  url: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/, 'must be a PostgreSQL URL: postgres://USER:PASSWORD@HOST:PORT/DATABASE')
    .optional(),
  /** Schema holding cto's tables in that database. */
  schema: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a plain PostgreSQL name: lower-case letters, digits and _')
    .optional(),
  /** Seconds to wait for the database before a command treats it as unreachable. */
  connect_timeout_seconds: z.number().positive().max(300).optional(),
})

export const STRATEGIES = ['cost_aware', 'cto_choice'] as const

export const configSchema = z.object({
  /** The model that classifies and reviews tasks. */
  cto_model: z.string().min(1).optional(),
  /** cost_aware: the router may override the CTO's pick to save cost; cto_choice: never. */
  model_selection_strategy: z.enum(STRATEGIES).optional(),
  worker_models: z
    .object({
      claude: z.record(z.string(), workerModel).optional(),
      external: z.record(z.string(), workerModel).optional(),
    })
    .optional(),
  fallback_chain: z.record(z.string(), z.array(z.string().min(1))).optional(),
  cost_optimization: costOptimizationSchema.optional(),
  provider_endpoints: z.record(z.string(), providerEndpointSchema).optional(),
  /** Settings handed to a provider plugin, by plugin name (e.g. `providers.ollama.models`). */
  providers: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  engines: enginesSchema.optional(),
  /** Tool worker policy (see src/core/tools/policy/policy-schema.ts). */
  tools: toolPolicySchema.optional(),
  /** Attempt copies and verification (see src/core/config/review-schema.ts). */
  review: reviewSchema.optional(),
  /** Where performance history is kept: the local store, or a team's PostgreSQL database. */
  store: storeSchema.optional(),
})

export type ConfigFile = z.infer<typeof configSchema>
export const TOP_LEVEL_KEYS = Object.keys(configSchema.shape)
