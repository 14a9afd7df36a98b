import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';

import { AssertionError } from './assertion-error.ts';
import type { TrustedIssuer } from './trusted-issuer.ts';

/** How patiently and how often an issuer's keys are fetched. */
export interface IssuerKeysOptions {
  /** Fetched keys are used this long before they are fetched again. Default 10 minutes. */
  maxAgeMs?: number;
  /**
   * At most one fetch per this period because a token named an unknown `kid`; requests naming
   * one within it wait for that next fetch rather than fail. Default 1 s.
   */
  unknownKidIntervalMs?: number;
  /** After a failed fetch, counted from the failure, requests fail at once for this long. Default 5 s. */
  failureBackoffMs?: number;
  /** Per-request timeout of discovery and JWKS fetches. Default 5 s. */
  timeoutMs?: number;
}

// A JWKS or discovery document is a few kilobytes; a larger answer is not one.
const maxDocumentBytes = 256 * 1024;

/**
 * The keys of one trusted issuer, as a jose key resolver. Static keys are used as given. Remote
 * keys (from discovery or `jwksUri`) are cached for `maxAgeMs`; once older, they are still used
 * (for at most as long again) while a fetch in the background replaces them, so a slow or
 * unreachable issuer does not hold up a request its cached keys can answer.
 *
 * Only the very first fetch is waited for. Once a fetch has failed, requests that need keys
 * fail at once with `issuer_unavailable` (a 503 at the token endpoint, so token sources retry)
 * for `failureBackoffMs` counted from the failure, then one request starts the next attempt in
 * the background and fails at once too: a hanging issuer costs its clients one timeout, not one
 * per request. An unknown `kid` causes a refetch, at most one per `unknownKidIntervalMs`
 * however many requests name unknown kids; requests within the interval wait for the next one,
 * so a burst of forged kids delays the pick-up of a real new key by about that interval, not
 * by a cooldown of half a minute.
 */
export function createIssuerKeys(entry: TrustedIssuer, options: IssuerKeysOptions = {}): JWTVerifyGetKey {
  if (entry.jwks) return createLocalJWKSet(entry.jwks as unknown as JSONWebKeySet);
  const maxAgeMs = options.maxAgeMs ?? 600_000;
  const unknownKidIntervalMs = options.unknownKidIntervalMs ?? 1000;
  const failureBackoffMs = options.failureBackoffMs ?? 5000;
  const timeoutMs = options.timeoutMs ?? 5000;
  const unavailable = (reason: string) =>
    new AssertionError('issuer_unavailable', `the keys of ${entry.issuer} could not be fetched (${reason})`, entry.issuer);

  let keys: JWTVerifyGetKey | undefined;
  let fetchedAt = Number.NEGATIVE_INFINITY;
  let failedAt = Number.NEGATIVE_INFINITY;
  let failure: AssertionError | undefined;
  let inflight: Promise<void> | undefined;
  let kidRefetchAt = Number.NEGATIVE_INFINITY;
  let scheduledKidRefetch: Promise<void> | undefined;
  let discoveredJwksUri: string | undefined;

  async function jwksUri(): Promise<string> {
    if (entry.jwksUri) return entry.jwksUri;
    discoveredJwksUri ??= await discoverJwksUri(entry.issuer, timeoutMs);
    return discoveredJwksUri;
  }

  function reload(): Promise<void> {
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
        failedAt = Date.now(); // the back-off runs from here, not from when the fetch started
        throw failure;
      } finally {
        inflight = undefined;
      }
    })();
    return inflight;
  }

  const inBackoff = () => failure !== undefined && Date.now() - failedAt < failureBackoffMs;
  const inBackground = () => {
    if (!inflight && !inBackoff()) reload().catch(() => {});
  };

  async function currentKeys(): Promise<JWTVerifyGetKey> {
    const age = Date.now() - fetchedAt;
    if (keys && age <= maxAgeMs) return keys;
    if (keys && age <= 2 * maxAgeMs) {
      inBackground();
      return keys;
    }
    if (failure) {
      // Known to be failing: never hold a request for another timeout.
      inBackground();
      throw failure;
    }
    await reload();
    return keys as JWTVerifyGetKey;
  }

  /** The next refetch for an unknown kid: now, or shared by everyone at the end of the interval. */
  function refetchForUnknownKid(): Promise<void> {
    if (inflight) return inflight;
    if (inBackoff()) return Promise.reject(failure);
    const wait = kidRefetchAt + unknownKidIntervalMs - Date.now();
    if (wait <= 0) {
      kidRefetchAt = Date.now();
      return reload();
    }
    scheduledKidRefetch ??= new Promise<void>((done) => setTimeout(done, wait).unref()).then(() => {
      scheduledKidRefetch = undefined;
      kidRefetchAt = Date.now();
      return inflight ?? reload();
    });
    return scheduledKidRefetch;
  }

  return async function issuerKey(header, token) {
    const known = await currentKeys();
    try {
      return await known(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
      await refetchForUnknownKid();
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
