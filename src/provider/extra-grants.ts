import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';

/** A grant type oidc-provider does not implement itself (RFC 7523, RFC 8693). */
export interface ExtraGrant {
  grantType: string;
  /** Request parameters the grant reads; oidc-provider strips the rest. */
  parameters: readonly string[];
  /** Parameters that may be repeated (RFC 8707 `resource`). */
  duplicates?: readonly string[];
  handler: (ctx: KoaContextWithOIDC) => Promise<void>;
}

/**
 * Registers our grants through oidc-provider's extension point (docs: "Custom Grant Types");
 * each also appears in discovery's grant_types_supported.
 */
export function registerExtraGrants(provider: Provider, grants: readonly ExtraGrant[]): void {
  for (const grant of grants) {
    provider.registerGrantType(grant.grantType, grant.handler as Parameters<Provider['registerGrantType']>[1], [...grant.parameters], grant.duplicates ? [...grant.duplicates] : undefined);
  }
}
