import { randomInt } from 'node:crypto';
import { crc32 } from 'node:zlib';

/**
 * The one copyable value of a resource token, on GitHub's model (`ghp_`, `github_pat_`): a fixed
 * prefix so secret scanners recognise it, a public id, the secret, and a CRC32 checksum so a
 * scanner (and tollgate, before any storage read) can tell a real token from a random string.
 *
 *   tgrt_<id: 12 base62>_<secret: 43 base62><checksum: 6 base62>
 *
 * 43 base62 characters carry 256.03 bits. For OAuth 2.0 clients the value splits in two:
 * `client_id` = `tgrt_<id>` (everything before the second `_`), `client_secret` = the whole value.
 */
const resourceTokenPrefix = 'tgrt_';

/** For secret scanners (GitHub secret scanning custom patterns, gitleaks, trufflehog). */
export const resourceTokenPattern = /\btgrt_[0-9A-Za-z]{12}_[0-9A-Za-z]{49}\b/;

const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const idLength = 12;
const secretLength = 43;
const checksumLength = 6;
const clientIdPattern = /^tgrt_[0-9A-Za-z]{12}$/;
const valuePattern = /^(tgrt_[0-9A-Za-z]{12})_[0-9A-Za-z]{49}$/;

/** `length` characters of 0-9A-Za-z, each drawn uniformly. */
export function randomBase62(length: number): string {
  let text = '';
  // randomInt draws uniformly (no modulo bias).
  for (let index = 0; index < length; index += 1) text += alphabet[randomInt(alphabet.length)];
  return text;
}

function checksum(body: string): string {
  let value = crc32(body);
  let text = '';
  for (let index = 0; index < checksumLength; index += 1) {
    text = alphabet[value % 62] + text;
    value = Math.floor(value / 62);
  }
  return text;
}

/** A new public id, the token's `client_id`. */
export function newResourceTokenId(): string {
  return `${resourceTokenPrefix}${randomBase62(idLength)}`;
}

/** A new value for the token `id`; shown once, stored only as a keyed hash. */
export function newResourceTokenValue(id: string): string {
  const body = `${id}_${randomBase62(secretLength)}`;
  return `${body}${checksum(body)}`;
}

/** Whether a client id names a resource token (and never a stored client). */
export function isResourceTokenId(clientId: string): boolean {
  // The prefix first: every client's lookup asks, several times per token request.
  return clientId.startsWith(resourceTokenPrefix) && clientIdPattern.test(clientId);
}

/** The token id a well-formed value with a correct checksum carries, else undefined. */
export function resourceTokenIdOf(value: string): string | undefined {
  const match = valuePattern.exec(value);
  if (!match) return undefined;
  const body = value.slice(0, -checksumLength);
  return checksum(body) === value.slice(-checksumLength) ? match[1] : undefined;
}
