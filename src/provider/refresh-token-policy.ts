import type { Configuration } from 'oidc-provider';

/**
 * People logging in from a terminal stay logged in: a refresh token is issued whenever the
 * client may use the refresh_token grant, without asking for `offline_access`. Every use
 * rotates it (RFC 9700 §4.14.2), which is what makes reuse detectable.
 *
 * Tokens are not bound to the browser session of the sign-in pages: that session only exists
 * to finish the login (ttl.interaction), and oidc-provider's default binds every token issued
 * without `offline_access` to it, so a CLI's refresh token would die with a browser cookie on
 * another device. Not binding them also saves two storage reads per refresh.
 */
export const refreshTokenPolicy: Pick<Configuration, 'issueRefreshToken' | 'rotateRefreshToken' | 'expiresWithSession'> = {
  issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
  rotateRefreshToken: () => true,
  expiresWithSession: async () => false,
};
