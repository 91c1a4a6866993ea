/**
 * The tool policy as the config files say, without loading the provider plugins (`cto tools
 * check-command`, `check-path`, `hook`): the config layers' `tools` sections merged field by field
 * as the effective config merges them (an untrusted project config's are already dropped).
 */
import {readConfigLayers} from '../../config/layers.js'
import {normaliseSandboxInput} from './policy-defaults.js'
import {resolveToolPolicy, type ToolPolicy, type ToolPolicyInput} from './policy-schema.js'

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}

/** Objects merge key by key; arrays and scalars replace. */
export function mergeToolsSections(sections: Array<Record<string, unknown> | undefined>): ToolPolicyInput {
  const merged: Record<string, unknown> = {}
  for (const section of sections) {
    if (!section) continue
    for (const [k, raw] of Object.entries(section)) {
      const v = k === 'sandbox' ? normaliseSandboxInput(raw) : raw
      merged[k] = isPlainObject(v) && isPlainObject(merged[k]) ? {...(merged[k] as object), ...v} : v
    }
  }
  return merged as ToolPolicyInput
}

export async function toolPolicyFromConfig(cwd: string, env: NodeJS.ProcessEnv): Promise<ToolPolicy> {
  const layers = await readConfigLayers({cwd, env})
  return resolveToolPolicy(mergeToolsSections(layers.map((l) => l.data.tools as Record<string, unknown> | undefined)))
}
