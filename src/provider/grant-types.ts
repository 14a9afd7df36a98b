import type Provider from 'oidc-provider';
import type { TokenEndpointGrantContext } from 'oidc-provider';

/** A grant type beyond oidc-provider's own: its parameters and a thin handler calling our modules. */
export interface ExtraGrant {
  grantType: string;
  /** Request parameters the grant reads; oidc-provider strips any others. */
  parameters: readonly string[];
  /** Parameters that may be repeated (e.g. RFC 8707 `resource`). */
  duplicates?: readonly string[];
  handler(ctx: TokenEndpointGrantContext): Promise<void>;
}

/**
 * Registers grants through oidc-provider's extension point (`registerGrantType`), so they run
 * behind its client authentication, parameter and grant-type checks and show in discovery's
 * `grant_types_supported`.
 */
export function registerGrantTypes(provider: Provider, grants: readonly ExtraGrant[]): void {
  for (const grant of grants) provider.registerGrantType(grant.grantType, (ctx) => grant.handler(ctx), grant.parameters, grant.duplicates);
}
