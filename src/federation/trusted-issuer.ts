import { z } from 'zod';

import { privateJwkMembers } from '../keys/private-jwk-members.ts';

/**
 * A platform whose tokens tollgate accepts as jwt-bearer assertions (RFC 7523 §2.1): a
 * Kubernetes cluster, GitHub Actions. Its keys come from OIDC discovery unless `jwksUri` or a
 * static `jwks` (a cluster whose issuer is not reachable from tollgate) is given.
 */
export const trustedIssuerSchema = z
  .object({
    issuer: z
      .url({ protocol: /^https?$/ })
      .max(512)
      .describe('The exact `iss` of the platform tokens'),
    jwksUri: z
      .url({ protocol: /^https?$/ })
      .max(1024)
      .optional()
      .describe('Where the keys are, skipping discovery'),
    jwks: z
      .object({ keys: z.array(z.record(z.string(), z.unknown())).min(1).max(20) })
      .strict()
      .optional()
      .describe(
        'The public keys themselves, {"keys": [1 to 20 public JWKs]}, for issuers tollgate cannot reach; update them when the platform rotates its keys',
      ),
  })
  .strict()
  .refine((entry) => !(entry.jwksUri && entry.jwks), { message: 'give jwksUri or jwks, not both', path: ['jwks'] })
  .refine((entry) => !entry.jwks?.keys.some((key) => privateJwkMembers.some((member) => member in key)), {
    message: 'must hold public keys only (a key contains private key material)',
    path: ['jwks'],
  });

export type TrustedIssuer = z.output<typeof trustedIssuerSchema>;

/** Where an issuer's keys come from, as the admin API shows it. */
export type KeySource = 'discovery' | 'jwks_uri' | 'static';

export function keySourceOf(entry: TrustedIssuer): KeySource {
  return entry.jwks ? 'static' : entry.jwksUri ? 'jwks_uri' : 'discovery';
}
