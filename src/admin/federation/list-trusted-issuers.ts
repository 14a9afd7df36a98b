import { z } from 'zod';

import { wholeListRoute } from '../list-route.ts';

/**
 * GET /admin/trusted-issuers: the platforms whose tokens clients may present (jwt-bearer), with
 * where their keys come from. Read-only: trust is declared in the configuration or the seed.
 */
export const listTrustedIssuersRoute = wholeListRoute({
  path: '/trusted-issuers',
  summary: 'List the issuers whose tokens clients may present as jwt-bearer assertions',
  key: 'trusted_issuers',
  item: z
    .object({
      issuer: z.string(),
      keys: z.enum(['discovery', 'jwks_uri', 'static']),
      jwks_uri: z.string().nullable(),
      declared_in: z.string().describe('configuration or seed'),
    })
    .strict(),
  list: (_request, deps) =>
    deps.trustedIssuers.list().map((entry) => ({ issuer: entry.issuer, keys: entry.keys, jwks_uri: entry.jwksUri ?? null, declared_in: entry.origin })),
});
