import { createHash } from 'node:crypto';

import { createRefreshingToken, refreshFraction, type RefreshingToken } from './refreshing-token.ts';
import { createTokenEndpointClient, type AccessToken, type TokenEndpointClientOptions } from './token-endpoint-client.ts';

const tokenExchangeGrant = 'urn:ietf:params:oauth:grant-type:token-exchange';
const accessTokenType = 'urn:ietf:params:oauth:token-type:access_token';

/** Options of {@link createTokenExchanger}: the acting service's own credentials. */
export interface TokenExchangerOptions extends TokenEndpointClientOptions {
  /** Fraction of a token's lifetime after which it is exchanged again in the background. Default 0.8. */
  refreshAfter?: number;
  /** How many (subject token, target) pairs are kept; the oldest go first. Default 1000. */
  maxCachedTokens?: number;
}

/** Where the exchanged token is for. */
export interface ExchangeTarget {
  /** The downstream API (RFC 8707 resource); omit for the client's default resource. */
  resource?: string;
  /** Scopes to ask for; omit for every scope the client may have there. */
  scope?: string | readonly string[];
}

/** Exchanges the tokens a service receives for tokens to the APIs it calls, acting for the same person. */
export interface TokenExchanger {
  /** A token for `target` acting for the subject token's person: cached, or exchanged once for all concurrent callers. */
  exchange(subjectToken: string, target?: ExchangeTarget): Promise<string>;
  /** Like `exchange`, with the expiry and granted scope. */
  exchangeToken(subjectToken: string, target?: ExchangeTarget): Promise<AccessToken>;
  /** Drops the cached token for this pair, e.g. after the downstream API answered 401 to it. */
  invalidate(subjectToken: string, target?: ExchangeTarget): void;
}

/**
 * Creates a token exchanger for RFC 8693 token exchange: a service that received a person's
 * access token gets its own token for a downstream API instead of forwarding the person's.
 *
 * - One cache entry per (subject token, target), refreshed ahead of expiry like the
 *   client-credentials token source; one request in flight per entry however many callers ask.
 * - An exchanged token never outlives its subject token, so a request arriving with a new
 *   token gets a new entry; entries past use are dropped once `maxCachedTokens` is reached.
 * - Retries, errors ({@link TokenSourceError}) and secret handling are the token source's.
 *
 * @example
 * const exchanger = createTokenExchanger({ issuer, clientId: 'gateway', clientSecret });
 * const downstream = await exchanger.exchange(incomingToken, { resource: 'urn:inventory' });
 */
export function createTokenExchanger(options: TokenExchangerOptions): TokenExchanger {
  const endpoint = createTokenEndpointClient(options);
  const refreshAfter = refreshFraction(options.refreshAfter);
  const maxCachedTokens = options.maxCachedTokens ?? 1000;
  if (!(Number.isInteger(maxCachedTokens) && maxCachedTokens > 0)) throw new TypeError('maxCachedTokens must be a positive integer');
  const entries = new Map<string, RefreshingToken>();

  function parametersFor(subjectToken: string, target: ExchangeTarget): Record<string, string> {
    const scope = typeof target.scope === 'string' ? target.scope : target.scope?.join(' ');
    return {
      grant_type: tokenExchangeGrant,
      subject_token: subjectToken,
      subject_token_type: accessTokenType,
      requested_token_type: accessTokenType,
      ...(target.resource ? { resource: target.resource } : {}),
      ...(scope ? { scope } : {}),
    };
  }

  // The subject token is hashed so the key does not keep a second copy of a bearer credential.
  function keyOf(subjectToken: string, target: ExchangeTarget): string {
    const scope = typeof target.scope === 'string' ? target.scope : (target.scope ?? []).join(' ');
    return createHash('sha256')
      .update(subjectToken)
      .update('\n')
      .update(target.resource ?? '')
      .update('\n')
      .update(scope)
      .digest('base64url');
  }

  function makeRoom(): void {
    const now = Date.now();
    for (const [key, entry] of entries) if (entry.idle(now)) entries.delete(key);
    // Map iteration is insertion order: what is left over the limit goes oldest first.
    for (const key of entries.keys()) {
      if (entries.size < maxCachedTokens) break;
      entries.delete(key);
    }
  }

  function entryFor(subjectToken: string, target: ExchangeTarget): RefreshingToken {
    if (typeof subjectToken !== 'string' || subjectToken === '') throw new TypeError('a subject token is required');
    const key = keyOf(subjectToken, target);
    let entry = entries.get(key);
    if (!entry) {
      if (entries.size >= maxCachedTokens) makeRoom();
      const parameters = parametersFor(subjectToken, target);
      // The person's token is a credential too: it must never show in an error message.
      entry = createRefreshingToken(() => endpoint.request(parameters, [subjectToken]), refreshAfter);
      entries.set(key, entry);
    }
    return entry;
  }

  const exchangeToken = (subjectToken: string, target: ExchangeTarget = {}) => entryFor(subjectToken, target).getToken();
  return {
    exchangeToken,
    exchange: async (subjectToken, target) => (await exchangeToken(subjectToken, target)).accessToken,
    invalidate(subjectToken, target = {}) {
      entries.delete(keyOf(subjectToken, target));
    },
  };
}
