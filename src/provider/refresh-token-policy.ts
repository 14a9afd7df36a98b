import type { Configuration } from 'oidc-provider';

/**
 * People logging in from a terminal stay logged in: a refresh token is issued whenever the
 * client may use the refresh_token grant, without asking for `offline_access`. Every use
 * rotates it (RFC 9700 §4.14.2), which is what makes reuse detectable.
 */
export const refreshTokenPolicy: Pick<Configuration, 'issueRefreshToken' | 'rotateRefreshToken'> = {
  issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
  rotateRefreshToken: () => true,
};
