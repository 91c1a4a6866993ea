/**
 * The `review` section: how cto checks a worker's attempt before the CTO judges it. Its settings
 * and defaults are in review-settings.ts, which every command loads: this file loads zod.
 */
import {z} from 'zod'

export const reviewSchema = z.strictObject({
  /** The project's test command for verification; false: never verify; absent: detected (package.json, Makefile, pytest, Cargo, go). */
  verify: z.union([z.string().min(1), z.literal(false)]).optional(),
  /** Time limit of the verification run (the tool worker's run_command ceiling, 300 s, applies). */
  verify_timeout_seconds: z.number().int().positive().max(300).optional(),
  /** true: workers act in your folder directly, as `--in-place` (no copy, no diff, no verification). */
  in_place: z.boolean().optional(),
  /** Ignored folders of a git project copied into each attempt all the same (dependencies the tests need). */
  copy_ignored: z.array(z.string().min(1).refine((p) => !p.startsWith('/') && !p.split('/').includes('..'), 'a path inside the project, without ..')).optional(),
})
