/**
 * The CLI package's own exports. Plugins import `@cto-cli/provider-spec` instead (types, the
 * factories' signatures, the error marker): this re-exports it for code that still imports `cto-cli`.
 */
export * from '@cto-cli/provider-spec'
export {createClaudeCode, createOpenAICompatible} from './core/providers/factories.js'
export {CtoError} from './core/errors.js'
