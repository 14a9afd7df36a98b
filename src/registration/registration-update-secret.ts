import type { Context, Next } from 'koa';

import type { ClientRegistry } from '../clients/client-registry.ts';
import { clientSecretMatches } from '../clients/client-secret.ts';
import { readRawBody } from '../http/read-body.ts';
import { replaceRequestBody } from '../kernel/provider-internals.ts';

/**
 * RFC 7592 §2.2: an update request MAY carry the client's secret, which MUST then match the
 * current one. oidc-provider compares it with the stored value, which for us is a hash; so a
 * presented secret that matches is swapped for that hash before the provider reads the body.
 * A wrong one is passed on unchanged and the provider rejects it.
 */
export function createRegistrationUpdateSecret(clients: ClientRegistry, pepper: string | undefined) {
  return async function matchPresentedSecret(ctx: Context, next: Next) {
    if (!ctx.is('application/json')) return next();
    const clientId = ctx.path.replace(/\/$/, '').split('/').pop() as string;

    const raw = await readRawBody(ctx);
    let body = raw;
    const parsed = parseObject(raw);
    if (parsed && typeof parsed.client_secret === 'string') {
      const record = await clients.get(decodePathSegment(clientId));
      const current = record?.secrets[0];
      if (current && clientSecretMatches(parsed.client_secret, current.hash, pepper)) {
        body = Buffer.from(JSON.stringify({ ...parsed, client_secret: current.hash }));
      }
    }
    replaceRequestBody(ctx, body);
    return next();
  };
}

function decodePathSegment(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function parseObject(raw: Buffer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(raw.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
