/**
 * Reading a model's JSON answer: the whole text, or the first {...} in it (models wrap JSON in
 * prose or ``` fences despite being asked not to), validated by a zod schema.
 */
import type {ZodType} from 'zod'

export type JsonReply<T> = {ok: true; value: T} | {ok: false; problem: string}

export function extractJson(text: string): unknown {
  const trimmed = text.trim()
  const candidates = [trimmed, trimmed.replace(/^```(?:json)?\s*/i, '').replace(/```\s*$/, '')]
  const start = trimmed.indexOf('{')
  const end = trimmed.lastIndexOf('}')
  if (start >= 0 && end > start) candidates.push(trimmed.slice(start, end + 1))
  for (const c of candidates) {
    try {
      return JSON.parse(c)
    } catch {
      // try the next reading
    }
  }
  throw new SyntaxError('no JSON object found in the reply')
}

export function parseJsonReply<T>(text: string, schema: ZodType<T>): JsonReply<T> {
  let data: unknown
  try {
    data = extractJson(text)
  } catch (error) {
    return {ok: false, problem: (error as Error).message}
  }
  const result = schema.safeParse(data)
  if (result.success) return {ok: true, value: result.data}
  return {ok: false, problem: result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}
}
