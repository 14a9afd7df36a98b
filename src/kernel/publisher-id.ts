import { randomBase62 } from './resource-token-format.ts';

/**
 * A trusted publisher's id, which is also the `client_id` its CI job names at the token
 * endpoint: a fixed prefix so it reads as a binding (and never as a stored client), then 12
 * base62 characters. It is not a secret: the CI's own OIDC token is the credential.
 */
const publisherIdPrefix = 'tgtp_';
const idPattern = /^tgtp_[0-9A-Za-z]{12}$/;

export function newPublisherId(): string {
  return `${publisherIdPrefix}${randomBase62(12)}`;
}

/** Whether a client id names a trusted publisher (and never a stored client). */
export function isPublisherId(clientId: string): boolean {
  // The prefix first: every client's lookup asks, several times per token request.
  return clientId.startsWith(publisherIdPrefix) && idPattern.test(clientId);
}
