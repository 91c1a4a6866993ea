/**
 * Whether the npm registry answers, asked after npm failed to find a package. oclif's plugin-plugins
 * reads every failure of `npm view` as "X does not exist in the registry.": with the registry
 * unreachable (offline, a wrong CTO_NPM_REGISTRY) the user waited out npm's retries (71 s) to be
 * told a package that may well exist does not. One GET of the package's document, 5 s at most,
 * tells the two apart.
 */
import {execFile} from 'node:child_process'
import {createRequire} from 'node:module'
import {dirname, join} from 'node:path'
import {promisify} from 'node:util'
import {CtoError} from '../errors.js'

export type ProbeResult = {reached: true; status: number} | {reached: false; reason: string}

/** The registry npm uses: CTO_NPM_REGISTRY (oclif passes it as --registry), else npm's own setting. */
export async function npmRegistry(configured: string | undefined): Promise<string> {
  if (configured) return configured
  try {
    const pkg = createRequire(import.meta.url).resolve('npm/package.json')
    const {stdout} = await promisify(execFile)(process.execPath, [join(dirname(pkg), 'bin', 'npm-cli.js'), 'config', 'get', 'registry'], {timeout: 10_000})
    return stdout.trim() || 'https://registry.npmjs.org/'
  } catch {
    return 'https://registry.npmjs.org/'
  }
}

export async function probeRegistry(registry: string, name: string, timeoutMs = 5000): Promise<ProbeResult> {
  const url = new URL(name.replace('/', '%2f'), registry.endsWith('/') ? registry : `${registry}/`)
  try {
    const response = await fetch(url, {method: 'GET', headers: {accept: 'application/vnd.npm.install-v1+json'}, signal: AbortSignal.timeout(timeoutMs)})
    await response.body?.cancel()
    return {reached: true, status: response.status}
  } catch (error) {
    return {reached: false, reason: probeFailure(error)}
  }
}

function probeFailure(error: unknown): string {
  const cause = (error as {cause?: {code?: string; message?: string}})?.cause
  const code = cause?.code
  if (code === 'ECONNREFUSED') return 'connection refused'
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'its host could not be looked up'
  if ((error as Error)?.name === 'TimeoutError') return 'no answer within 5 s'
  return cause?.message ?? (error as Error)?.message ?? String(error)
}

/** For oclif's "X does not exist in the registry.": what the registry said, or undefined (keep oclif's error). */
export async function notFoundError(message: string, configured: string | undefined, bin: string): Promise<CtoError | undefined> {
  const name = /^(.+) does not exist in the registry\.$/.exec(message)?.[1]
  if (!name) return undefined
  const registry = await npmRegistry(configured)
  const probe = await probeRegistry(registry, name)
  if (!probe.reached) {
    return new CtoError({
      code: 'NPM_REGISTRY_UNREACHABLE',
      message: `Could not reach the npm registry ${registry} (${probe.reason}), so ${name} was not installed.`,
      actions: ["Check your network connection (and npm's proxy settings), or the registry in CTO_NPM_REGISTRY, then try again.", `Or install it from its tarball or folder: ${bin} plugins install ./plugin.tgz`],
    })
  }
  if (probe.status === 404) {
    return new CtoError({code: 'NO_SUCH_PACKAGE', message: `No package ${name} in the npm registry ${registry}. Nothing was installed.`, actions: ['Check the name, or name another registry with CTO_NPM_REGISTRY=URL.']})
  }
  return undefined
}
