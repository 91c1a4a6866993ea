import type {ResolvedModel} from '../providers/resolve.js'
import {configKeyArg} from '../cli/config-key-arg.js'

/**
 * The settings that give a model an endpoint, as `cto config set` takes them: its provider's
 * (`providers.<provider>.base_url`, every model of the provider) or its own
 * (`provider_endpoints.<model>.api_url`). test/cli/provider-keys.test.ts runs both.
 */
export function noEndpointFix(m: Pick<ResolvedModel, 'name' | 'providerName'>): string {
  return `cto config set ${configKeyArg('providers', m.providerName, 'base_url')} <url> (every ${m.providerName} model), or cto config set ${configKeyArg('provider_endpoints', m.name, 'api_url')} <url> (${m.name} only)`
}
