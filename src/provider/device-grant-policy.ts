import type { KoaContextWithOIDC } from 'oidc-provider';

/**
 * Each device login is confirmed on its own (RFC 8628 §5.4, remote phishing): a grant a person
 * approved for one device is never reused for the next code entered in the same browser, so
 * the confirm page, with that device's details, always shows. Only the grant approved in the
 * interaction that just finished is loaded.
 */
export async function loadApprovedGrant(ctx: KoaContextWithOIDC) {
  const grantId = ctx.oidc.result?.consent?.grantId;
  return grantId ? ctx.oidc.provider.Grant.find(grantId) : undefined;
}
