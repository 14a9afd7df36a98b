import type { Adapter } from 'oidc-provider';

/**
 * RFC 8628 §3.5: a device polling after its code expired gets `expired_token`, and the code
 * page says "expired" rather than "not valid". Both need the expired code to still be found,
 * so device codes are stored for `graceSeconds` past their expiry; oidc-provider itself checks
 * `exp` and treats them as expired.
 */
/** Long enough for a CLI that polls at any sane interval to hear `expired_token`. */
export const deviceCodeGraceSeconds = 900;

export function retainExpiredDeviceCodes(adapter: Adapter, graceSeconds: number): Adapter {
  return {
    ...adapter,
    upsert: (id, payload, expiresIn) => adapter.upsert(id, payload, expiresIn === undefined ? undefined : expiresIn + graceSeconds),
  };
}
