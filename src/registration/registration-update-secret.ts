import { IncomingMessage } from 'node:http';
import type { Context, Next } from 'koa';

import type { ClientRegistry } from '../clients/client-registry.ts';
import { clientSecretMatches } from '../clients/client-secret.ts';
import { readRawBody } from '../http/read-body.ts';

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
    // oidc-provider reads the body from ctx.req and its length from ctx.request: both must see the copy.
    ctx.req = ctx.request.req = replay(ctx.req, body);
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

/** A request that reads as the original with `body` as its body. */
function replay(original: IncomingMessage, body: Buffer): IncomingMessage {
  const copy = new IncomingMessage(original.socket);
  copy.method = original.method as string;
  copy.url = original.url as string;
  copy.httpVersion = original.httpVersion;
  copy.httpVersionMajor = original.httpVersionMajor;
  copy.httpVersionMinor = original.httpVersionMinor;
  const headers = { ...original.headers, 'content-length': String(body.length) };
  delete headers['transfer-encoding'];
  copy.headers = headers;
  // A message that is not `complete` when it ends counts as aborted and takes the socket with it.
  copy.complete = true;
  copy.push(body);
  copy.push(null);
  return copy;
}
