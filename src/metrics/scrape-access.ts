import { createHash, timingSafeEqual } from 'node:crypto';

import { AppError } from '../errors.ts';

/**
 * Whether an Authorization header carries the configured scrape token (Prometheus sends it as
 * `Authorization: Bearer <token>`). No token configured means open access. Compared in
 * constant time over fixed-length digests so neither content nor length leaks.
 */
export function createScrapeAccess(token: string | undefined): (authorization: string | undefined) => boolean {
  if (!token) return () => true;
  const expected = digest(token);
  return (authorization) => {
    const match = /^Bearer +(\S+) *$/i.exec(authorization ?? '');
    return match !== null && timingSafeEqual(digest(match[1] as string), expected);
  };
}

/** The 401 a scrape without the token gets, with its RFC 6750 §3 challenge. */
export function scrapeTokenRequired(): AppError {
  return new AppError('unauthorized', 'a metrics scrape token is required', { headers: { 'www-authenticate': 'Bearer realm="metrics"' } });
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
