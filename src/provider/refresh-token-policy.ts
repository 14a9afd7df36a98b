import type { Configuration } from 'oidc-provider';

/**
 * People logging in from a terminal stay logged in: a refresh token is issued whenever the
 * client may use the refresh_token grant, without asking for `offline_access`. Every use
 * rotates it (RFC 9700 §4.14.2), which is what makes reuse detection possible.
 *
 * Tokens do not expire with the browser session used to approve the device: that session is
 * short (the sign-in pages' lifetime) and is shared by every device approved from the same
 * browser, while the CLI must keep working for days. Their lifetime is ttl.refreshToken and
 * ttl.refreshTokenAbsolute alone.
 */
export const refreshTokenPolicy: Pick<Configuration, 'issueRefreshToken' | 'rotateRefreshToken' | 'expiresWithSession'> = {
  issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
  rotateRefreshToken: () => true,
  expiresWithSession: async () => false,
};
