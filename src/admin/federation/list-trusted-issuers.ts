import { z } from 'zod';

import { adminRoute } from '../admin-route.ts';

/**
 * GET /admin/trusted-issuers: the platforms whose tokens clients may present (jwt-bearer), with
 * where their keys come from. Read-only: trust is declared in the configuration or the seed.
 */
export const listTrustedIssuersRoute = adminRoute({
  method: 'GET',
  path: '/trusted-issuers',
  summary: 'List the issuers whose tokens clients may present as jwt-bearer assertions',
  responses: {
    200: z
      .object({
        trusted_issuers: z.array(
          z
            .object({
              issuer: z.string(),
              keys: z.enum(['discovery', 'jwks_uri', 'static']),
              jwks_uri: z.string().nullable(),
              declared_in: z.string().describe('configuration or seed'),
            })
            .strict(),
        ),
      })
      .strict(),
  },
  async handle(_request, deps) {
    return {
      body: {
        trusted_issuers: deps.trustedIssuers.list().map((entry) => ({ issuer: entry.issuer, keys: entry.keys, jwks_uri: entry.jwksUri ?? null, declared_in: entry.origin })),
      },
    };
  },
});
