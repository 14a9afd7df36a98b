import { errors } from 'oidc-provider';

/**
 * A second redemption of a one-time artifact (RFC 6749 §10.4 and RFC 9700 §4.14.2 for refresh
 * tokens, RFC 8628 §3.5 for device codes): the caller gets invalid_grant and, by the time this
 * is thrown, the whole grant has been revoked.
 */
export function alreadyConsumed(model: string): errors.OIDCProviderError {
  const label = model === 'RefreshToken' ? 'refresh token' : model === 'DeviceCode' ? 'device code' : 'grant';
  return new errors.InvalidGrant(`${label} already used`);
}
