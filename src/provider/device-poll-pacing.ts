import { errors, type KoaContextWithOIDC } from 'oidc-provider';

import { grantTypes } from '../clients/client-record.ts';
import { valueNames } from '../storage/storage-names.ts';
import type { Storage } from '../storage/storage.ts';
import { renderProtocolError } from '../http/render-protocol-error.ts';

// RFC 8628 §3.5: on slow_down "the interval MUST be increased by 5 seconds for this and all
// subsequent requests".
const slowDownStepSeconds = 5;
// Polls are timed where they land (by the store's clock); network jitter may make a
// well-behaved client look a little early.
const toleranceMs = 250;

export interface DevicePollPacingOptions {
  /** The interval announced in the device authorization response, seconds. */
  intervalSeconds: number;
  /** How long pacing state is kept: the device code's whole life, seconds. */
  ttlSeconds: number;
}

/**
 * RFC 8628 §3.5 `slow_down`, which oidc-provider never sends: a poll that would get
 * `authorization_pending` but came sooner than the interval gets `slow_down`, and the interval
 * of that device code grows by 5 s for every later poll. State is per device code (by hash, the
 * code is a credential) in storage, so all processes share it; one atomic operation reads and
 * updates it, so concurrent polls cannot both pass.
 */
export function createDevicePollPacing(storage: Storage, { intervalSeconds, ttlSeconds }: DevicePollPacingOptions) {
  async function pace(ctx: KoaContextWithOIDC, deviceCode: unknown) {
    let pace: 'in-time' | 'too-soon';
    try {
      pace = await storage.pacePoll(valueNames.devicePoll(String(deviceCode)), { intervalSeconds, stepSeconds: slowDownStepSeconds, toleranceMs, ttlSeconds });
    } catch {
      // Pacing is advisory: with storage unreachable the pending answer stands as it is.
      return;
    }
    if (pace === 'too-soon') renderProtocolError(ctx, new errors.SlowDown());
  }

  /** Applied once the provider has answered; it waits on storage only for a pending device poll. */
  return function devicePollPacing(ctx: KoaContextWithOIDC): Promise<void> | undefined {
    if (ctx.oidc?.route !== 'token' || ctx.oidc.params?.grant_type !== grantTypes.deviceCode) return undefined;
    if ((ctx.body as { error?: string } | undefined)?.error !== 'authorization_pending') return undefined;
    return pace(ctx, ctx.oidc.params.device_code);
  };
}
