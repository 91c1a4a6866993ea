/**
 * The original system's per-model agent config, `~/agents/<model>/config.json`: endpoint, model id
 * and key. Read-only here; `cto keys set` writes it (see ./write-key.ts).
 */
import {readFile, stat} from 'node:fs/promises'
import {homeDir} from '../paths.js'
import {cachedCheck, rememberCheck} from '../config/validation-cache.js'

export interface AgentConfig {
  provider?: string
  api_key?: string
  api_url?: string
  model_id?: string
  supports_tools?: boolean
  max_tokens?: number
  temperature?: number
  [key: string]: unknown
}

/** zod is loaded only when an agent config exists (start-up time). */
async function agentConfigSchema() {
  const {z} = await import('zod')
  return z.looseObject({
    provider: z.string().optional(),
    api_key: z.string().optional(),
    api_url: z.string().optional(),
    model_id: z.string().optional(),
    supports_tools: z.boolean().optional(),
    max_tokens: z.number().int().positive().optional(),
    temperature: z.number().min(0).max(2).optional(),
  })
}

export interface AgentConfigRead {
  path: string
  config?: AgentConfig
  /** Why it couldn't be used, or a permission warning. Never contains the key. */
  warnings: string[]
}

export function expandHome(p: string, env: NodeJS.ProcessEnv): string {
  return p === '~' ? homeDir(env) : p.startsWith('~/') ? homeDir(env) + p.slice(1) : p
}

export async function readAgentConfig(path: string): Promise<AgentConfigRead> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {path, warnings: []}
    return {path, warnings: [`${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'}).`]}
  }
  const warnings: string[] = []
  try {
    const mode = (await stat(path)).mode
    if (mode & 0o077) warnings.push(`${path} is readable by group or others: run "chmod 600 ${path}".`)
  } catch {
    // stat after a successful read: a race with deletion, nothing to warn about.
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    // The message of JSON.parse may quote the file's text, which holds a key: say only where.
    return {path, warnings: [...warnings, `${path} is not valid JSON; ignored. Fix it or rewrite it with "cto keys set".`]}
  }
  // Checked before with this content: skip zod (start-up). Only "valid" is cached, never the key.
  if (await cachedCheck('agent-config', text)) return {path, config: json as AgentConfig, warnings}
  const parsed = (await agentConfigSchema()).safeParse(json)
  if (parsed.success) await rememberCheck('agent-config', text, undefined)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    return {path, warnings: [...warnings, `${path}: ${issue.path.join('.')}: ${issue.message}; ignored.`]}
  }
  return {path, config: parsed.data, warnings}
}

/** Accepts the full chat-completions URL or the base URL, as the original system did. */
export function normaliseBaseURL(url: string): string {
  return url.replace(/\/+$/, '').replace(/\/chat\/completions$/, '')
}

/** A key shown to people: never more than its last four characters. */
export function maskKey(key: string): string {
  return key.length >= 16 ? `${key.slice(0, 3)}…${key.slice(-4)}` : '****'
}
