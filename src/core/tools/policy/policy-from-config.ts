/**
 * The tool policy as the config files say, without loading the provider plugins: `cto tools hook`
 * runs once per Claude Code tool call, so it reads only the config layers' `tools` sections.
 */
import {readConfigLayers} from '../../config/layers.js'
import {resolveToolPolicy, type ToolPolicy, type ToolPolicyInput} from './policy-schema.js'

export async function toolPolicyFromConfig(cwd: string, env: NodeJS.ProcessEnv): Promise<ToolPolicy> {
  const layers = await readConfigLayers({cwd, env})
  const merged: ToolPolicyInput = {}
  for (const layer of layers) Object.assign(merged, layer.data.tools ?? {})
  return resolveToolPolicy(merged)
}
