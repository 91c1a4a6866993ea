/**
 * The `review` section's effective settings and defaults (the schema, with zod, is review-schema.ts:
 * kept apart so that start-up, which needs only the defaults, does not load zod).
 */
export interface ReviewSettings {
  verify: string | false | null
  verify_timeout_seconds: number
  in_place: boolean
  copy_ignored: string[]
}

export const REVIEW_DEFAULTS = {verify_timeout_seconds: 300, in_place: false, copy_ignored: ['node_modules']}
