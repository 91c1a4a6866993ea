/**
 * What `cto plugins --json` and `cto plugins inspect --json` print: a few fields a script needs,
 * where oclif's commands printed whole Plugin objects (~5,000 lines of oclif internals: its
 * manifests, options, package.json, every command's flags).
 */
export interface PluginSummary {
  name: string
  version: string
  /** core (comes with cto), user (installed), link (linked from a folder), jit (installed on first use), dev. */
  type: string
  /** Where it is installed (none for a jit plugin not yet installed). */
  root?: string
  /** The commands it adds. */
  commands: string[]
  /** The oclif hooks it runs (cto:providers: it declares providers). */
  hooks: string[]
}

export interface PluginInspection extends PluginSummary {
  homepage?: string
  /** Each dependency: the range it asks for and the version installed. */
  dependencies: Record<string, {from?: string; version: string}>
}

interface PluginLike {
  name: string
  version?: string
  type: string
  root?: string
  commandIDs?: string[]
  hooks?: Record<string, unknown[]>
  pjson?: {homepage?: string}
  deps?: Record<string, {from?: string; version: string}>
}

export function summarisePlugin(p: PluginLike): PluginSummary {
  const hooks = Object.entries(p.hooks ?? {})
    .filter(([, list]) => list.length > 0)
    .map(([event]) => event)
  return {name: p.name, version: p.version ?? '', type: p.type, ...(p.root ? {root: p.root} : {}), commands: [...(p.commandIDs ?? [])].sort(), hooks: hooks.sort()}
}

export function inspectPlugin(p: PluginLike): PluginInspection {
  return {...summarisePlugin(p), ...(p.pjson?.homepage ? {homepage: p.pjson.homepage} : {}), dependencies: p.deps ?? {}}
}
