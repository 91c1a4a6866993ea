/**
 * @cto-cli/provider-spec: what a cto provider plugin and the cto core agree on. The package root is
 * the newest spec (v2); `@cto-cli/provider-spec/v1` and `/v2` name a version for good. The
 * README is the plugin author's reference.
 */
export * from './shared.js'
export * from './errors.js'
export * from './v2/index.js'
export * as v1 from './v1/index.js'
export * as v2 from './v2/index.js'

/** Every spec version the current core accepts, oldest first. */
export const SUPPORTED_SPECIFICATION_VERSIONS = ['v1', 'v2'] as const
