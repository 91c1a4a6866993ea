/**
 * Provider plugins for tests, written as a plugin author would: a package.json with the
 * `cto:providers` hook and one hook file. `packPlugin` makes the npm tarball (`npm pack`).
 */
import {execFile} from 'node:child_process'
import {mkdir, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {promisify} from 'node:util'

const run = promisify(execFile)

export interface PluginPackage {
  dir: string
  name: string
}

/** Writes a plugin whose hook module is `hook` (ESM JavaScript). */
export async function writePlugin(dir: string, name: string, hook: string, extra: Record<string, unknown> = {}): Promise<PluginPackage> {
  await mkdir(join(dir, 'hooks'), {recursive: true})
  await writeFile(
    join(dir, 'package.json'),
    JSON.stringify({name, version: '1.0.0', type: 'module', license: 'MIT', files: ['hooks'], oclif: {hooks: {'cto:providers': './hooks/providers.js'}}, ...extra}, null, 2),
  )
  await writeFile(join(dir, 'hooks', 'providers.js'), hook)
  return {dir, name}
}

/** A hook answering one OpenAI-compatible model through the factories (spec v2). */
export function modelHook(opts: {provider: string; model: string; engine?: 'openai-tools' | 'text'; price?: number; needsKey?: boolean; baseURL?: string; extra?: string}): string {
  return `export default async function providers({factories}) {
  ${opts.extra ?? ''}
  return factories.createOpenAICompatible({
    name: ${JSON.stringify(opts.provider)},
    baseURL: ${JSON.stringify(opts.baseURL ?? 'http://127.0.0.1:9/v1')},
    ${opts.needsKey === false ? 'needsKey: false,' : `keyEnvVar: ${JSON.stringify(`${opts.provider.toUpperCase()}_API_KEY`)},`}
    models: [{
      name: ${JSON.stringify(opts.model)},
      modelId: ${JSON.stringify(`${opts.model}-id`)},
      engine: ${JSON.stringify(opts.engine ?? 'openai-tools')},
      pricing: {inputPerMTok: ${opts.price ?? 0.05}, outputPerMTok: ${opts.price ?? 0.05}},
      goodFor: ['research'],
      description: 'a test model',
    }],
  })
}
`
}

/** `npm pack` into `dest`; returns the tarball's path. */
export async function packPlugin(dir: string, dest: string, env: NodeJS.ProcessEnv): Promise<string> {
  await mkdir(dest, {recursive: true})
  const {stdout} = await run('npm', ['pack', '--json', '--pack-destination', dest], {cwd: dir, env})
  const [info] = JSON.parse(stdout) as Array<{filename: string}>
  return join(dest, info.filename)
}
