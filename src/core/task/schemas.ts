import {z} from 'zod'
import {COMPLEXITIES, TASK_TYPES} from '../providers/spec.js'

export const classificationReplySchema = z.object({
  complexity: z.enum(COMPLEXITIES),
  type: z.enum(TASK_TYPES),
  model: z.string().min(1),
  reason: z.string().default(''),
})

export const reviewReplySchema = z.object({
  approved: z.boolean(),
  quality: z.coerce.number().int().min(1).max(10),
  feedback: z.string().default(''),
})

export type ClassificationReply = z.infer<typeof classificationReplySchema>
export type ReviewReply = z.infer<typeof reviewReplySchema>
