import { createCachedTokenSource, type TokenSource, type TokenSourceOptions } from './cached-token-source.ts';

export type { AccessToken } from './cached-token-source.ts';

/** Options of {@link createClientCredentialsTokenSource}. */
export interface ClientCredentialsTokenSourceOptions extends TokenSourceOptions {
  clientId: string;
  clientSecret: string;
  /** How the secret is sent (RFC 6749 §2.3.1). Default `client_secret_basic`. */
  authMethod?: 'client_secret_basic' | 'client_secret_post';
}

/** A cached, self-refreshing supply of client-credentials access tokens. */
export type ClientCredentialsTokenSource = TokenSource;

/**
 * Creates a token source for the OAuth 2.0 client-credentials grant (RFC 6749 §4.4).
 *
 * - Caches the token and fetches the next one in the background once `refreshAfter` of its
 *   lifetime has passed, so callers rarely wait.
 * - Single flight: however many callers ask at once, one request is in flight.
 * - Retries network errors, timeouts, 5xx and 429 with exponential backoff and jitter; an OAuth
 *   error answer (400/401) is final and thrown as a {@link TokenSourceError} with code
 *   `oauth_error` and the server's `error`.
 * - Never logs, and never puts the client secret in an error.
 *
 * @example
 * const tokens = createClientCredentialsTokenSource({ issuer, clientId, clientSecret, resource: 'urn:inventory' });
 * await fetch(url, { headers: { authorization: `Bearer ${await tokens.get()}` } });
 */
export function createClientCredentialsTokenSource(options: ClientCredentialsTokenSourceOptions): ClientCredentialsTokenSource {
  const { clientId, clientSecret } = options;
  if (!clientId || !clientSecret) throw new TypeError('clientId and clientSecret are required');
  const authMethod = options.authMethod ?? 'client_secret_basic';

  // RFC 6749 §2.3.1: id and secret are form-encoded before they are joined and base64-encoded.
  const basicCredentials = Buffer.from(`${formEncode(clientId)}:${formEncode(clientSecret)}`).toString('base64');
  const secretForms = [clientSecret, formEncode(clientSecret), basicCredentials];
  const redact = (text: string) => secretForms.reduce((result, form) => result.replaceAll(form, '[redacted]'), text);

  return createCachedTokenSource(options, async () => {
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    const headers: Record<string, string> = {};
    if (authMethod === 'client_secret_basic') headers.authorization = `Basic ${basicCredentials}`;
    else {
      form.set('client_id', clientId);
      form.set('client_secret', clientSecret);
    }
    return { form, headers, redact };
  });
}

function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+');
}
