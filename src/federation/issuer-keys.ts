import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';

import { AssertionError } from './assertion-error.ts';
import type { TrustedIssuer } from './trusted-issuer.ts';

/** How patiently and how often an issuer's keys are fetched. */
export interface IssuerKeysOptions {
  /** Fetched keys are used this long before they are fetched again. Default 10 minutes. */
  maxAgeMs?: number;
  /** At most one fetch per this period because a token named an unknown `kid`. Default 30 s. */
  cooldownMs?: number;
  /** After a failed fetch, requests fail at once for this long instead of fetching again. Default 5 s. */
  failureBackoffMs?: number;
  /** Per-request timeout of discovery and JWKS fetches. Default 5 s. */
  timeoutMs?: number;
}

// A JWKS or discovery document is a few kilobytes; a larger answer is not one.
const maxDocumentBytes = 256 * 1024;

/**
 * The keys of one trusted issuer, as a jose key resolver. Static keys are used as given. Remote
 * keys (from discovery or `jwksUri`) are cached; a `kid` the cache does not know causes one
 * refetch, at most once per cooldown however many requests name unknown kids; concurrent
 * requests share the fetch in flight. An unreachable issuer fails its own assertions with
 * `issuer_unavailable` (fast, during the failure backoff) and touches nothing else.
 */
export function createIssuerKeys(entry: TrustedIssuer, options: IssuerKeysOptions = {}): JWTVerifyGetKey {
  if (entry.jwks) return createLocalJWKSet(entry.jwks as unknown as JSONWebKeySet);
  const maxAgeMs = options.maxAgeMs ?? 600_000;
  const cooldownMs = options.cooldownMs ?? 30_000;
  const failureBackoffMs = options.failureBackoffMs ?? 5000;
  const timeoutMs = options.timeoutMs ?? 5000;
  const unavailable = (reason: string) => new AssertionError('issuer_unavailable', `the keys of ${entry.issuer} could not be fetched (${reason})`, entry.issuer);

  let keys: JWTVerifyGetKey | undefined;
  let fetchedAt = 0;
  let attemptedAt = Number.NEGATIVE_INFINITY;
  let unknownKidRefetchAt = Number.NEGATIVE_INFINITY;
  let failure: AssertionError | undefined;
  let inflight: Promise<void> | undefined;
  let discoveredJwksUri: string | undefined;

  async function jwksUri(): Promise<string> {
    if (entry.jwksUri) return entry.jwksUri;
    discoveredJwksUri ??= await discoverJwksUri(entry.issuer, timeoutMs);
    return discoveredJwksUri;
  }

  function reload(): Promise<void> {
    attemptedAt = Date.now();
    inflight ??= (async () => {
      try {
        const jwks = await fetchJson(await jwksUri(), timeoutMs);
        if (!Array.isArray(jwks.keys)) throw new Error('the JWKS has no keys array');
        keys = createLocalJWKSet(jwks as unknown as JSONWebKeySet);
        fetchedAt = Date.now();
        failure = undefined;
      } catch (error) {
        discoveredJwksUri = undefined; // the next attempt discovers again
        failure = error instanceof AssertionError ? error : unavailable((error as Error).message);
        throw failure;
      } finally {
        inflight = undefined;
      }
    })();
    return inflight;
  }

  return async function issuerKey(header, token) {
    if (inflight) await inflight.catch(() => {});
    if (!keys || Date.now() - fetchedAt > maxAgeMs) {
      if (failure && Date.now() - attemptedAt < failureBackoffMs) throw failure;
      await reload();
    }
    try {
      return await (keys as JWTVerifyGetKey)(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
      if (inflight) await inflight.catch(() => {});
      else if (Date.now() - unknownKidRefetchAt >= cooldownMs) {
        unknownKidRefetchAt = Date.now();
        await reload();
      } else throw error;
      return (keys as JWTVerifyGetKey)(header, token);
    }
  };
}

/** OpenID Connect Discovery 1.0 §4: the document's issuer must be exactly the one asked for. */
async function discoverJwksUri(issuer: string, timeoutMs: number): Promise<string> {
  const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  const metadata = await fetchJson(url, timeoutMs);
  if (metadata.issuer !== issuer) throw new Error(`discovery names issuer ${String(metadata.issuer).slice(0, 200)}`);
  if (typeof metadata.jwks_uri !== 'string' || !URL.canParse(metadata.jwks_uri)) throw new Error('discovery has no jwks_uri');
  return metadata.jwks_uri;
}

async function fetchJson(url: string, timeoutMs: number): Promise<Record<string, unknown>> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: 'application/json' }, redirect: 'follow', signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const code = (error as { cause?: { code?: unknown } }).cause?.code;
    throw new Error(typeof code === 'string' ? code : (error as Error).name === 'TimeoutError' ? 'timeout' : 'network error', { cause: error });
  }
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new Error(`${new URL(url).pathname} answered HTTP ${response.status}`);
  }
  const text = await response.text();
  if (text.length > maxDocumentBytes) throw new Error(`${new URL(url).pathname} is larger than ${maxDocumentBytes} bytes`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`${new URL(url).pathname} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${new URL(url).pathname} is not a JSON object`);
  return value as Record<string, unknown>;
}
