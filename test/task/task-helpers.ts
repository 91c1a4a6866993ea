/** Pieces the `cto task` end-to-end tests share: telling CTO calls from worker calls, and a child process the test can signal. */
import {spawn, type ChildProcessWithoutNullStreams} from 'node:child_process'
import {readdir, readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {BIN, type CliResult, type Sandbox} from '../support/run-cli.js'
import type {ChatRequest, OpenAIReply} from '../support/openai-server.js'

export const KEY = 'sk-test-task-0123456789abcdef'

export const isCto = (r: ChatRequest) => r.body.messages.some((m) => m.role === 'system' && typeof m.content === 'string' && m.content.startsWith('You are the CTO'))
export const isReview = (r: ChatRequest) => r.body.messages.some((m) => typeof m.content === 'string' && m.content.startsWith('You are the CTO reviewing'))
export const isClassification = (r: ChatRequest) => isCto(r) && !isReview(r)
export const lastUser = (r: ChatRequest) => String([...r.body.messages].reverse().find((m) => m.role === 'user')?.content ?? '')
export const jsonReply = (v: unknown, usage = {prompt_tokens: 100, completion_tokens: 20}): OpenAIReply => ({content: JSON.stringify(v), usage})

/**
 * The user config most task tests write: the Claude models off, these external models served by the
 * test server (with their own model id where given), no retries, plus `extra` keys; returns the
 * environment with each model's key.
 */
export async function externalModelsOn(sb: Sandbox, baseURL: string | undefined, models: Record<string, {model_id?: string}>, extra: Record<string, unknown> = {}): Promise<NodeJS.ProcessEnv> {
  await sb.writeUserConfig({
    worker_models: {claude: {haiku: {enabled: false}, sonnet: {enabled: false}, opus: {enabled: false}}},
    provider_endpoints: Object.fromEntries(Object.entries(models).map(([name, o]) => [name, {api_url: baseURL, ...o}])),
    ...extra,
    engines: {max_retries: 0, ...(extra.engines as Record<string, unknown> | undefined)},
  })
  return Object.fromEntries(Object.keys(models).map((name) => [`${name.toUpperCase()}_API_KEY`, KEY]))
}

export interface Spawned {
  child: ChildProcessWithoutNullStreams
  done: Promise<CliResult>
  stdout(): string
  stderr(): string
}

/** Starts the CLI as a child the test can signal; stdin is closed at once. */
export function spawnCli(sb: Sandbox, args: string[], opts: {env?: NodeJS.ProcessEnv; cwd?: string} = {}): Spawned {
  const child = spawn(process.execPath, [BIN, ...args], {cwd: opts.cwd ?? sb.home, env: {...sb.env, ...opts.env}})
  let out = ''
  let err = ''
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d))
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d))
  child.stdin.end()
  const done = new Promise<CliResult>((resolve) => child.on('close', (code, signal) => resolve({code: code ?? (signal ? -1 : 0), stdout: out, stderr: err})))
  return {child, done, stdout: () => out, stderr: () => err}
}

/** Every line of every .jsonl file under a folder, parsed (throws on a torn line), by file. */
export async function jsonlFiles(dir: string): Promise<Map<string, unknown[]>> {
  const out = new Map<string, unknown[]>()
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, {withFileTypes: true}).catch(() => [])) {
      const p = join(d, e.name)
      if (e.isDirectory()) await walk(p)
      else if (e.name.endsWith('.jsonl')) {
        const text = await readFile(p, 'utf8')
        out.set(p, text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as unknown))
      }
    }
  }
  await walk(dir)
  return out
}

/** Every file under a folder (relative paths). */
export async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = []
  const walk = async (d: string, rel: string): Promise<void> => {
    for (const e of await readdir(d, {withFileTypes: true}).catch(() => [])) {
      if (e.isDirectory()) await walk(join(d, e.name), join(rel, e.name))
      else out.push(join(rel, e.name))
    }
  }
  await walk(dir, '')
  return out
}
