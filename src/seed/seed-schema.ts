import { z } from 'zod';

import { secretHashPattern } from '../clients/client-secret.ts';
import { passwordHashPattern } from '../accounts/password-hash.ts';
import { password, newAccount } from '../admin/accounts/account-input.ts';
import { newClient } from '../admin/clients/client-input.ts';
import { newResource } from '../admin/resources/resource-input.ts';
import { upstreamSchema } from '../config/upstream-schema.ts';
import { trustedIssuerSchema } from '../federation/trusted-issuer.ts';
import { principalId } from '../principals/identifiers.ts';
import { seedObject } from './seed-names.ts';

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name');
/** Seeded secrets are chosen by people, so they must carry as much entropy as generated ones. */
const plainSecret = z.string().min(32, 'must be at least 32 characters (tollgate keeps client secrets under a fast hash)');

// Each entry is the admin API's input under camelCase names, plus how the seed gives secrets.
const resourceServer = seedObject(newResource);

const client = seedObject(newClient).extend({
  clientId: principalId,
  secretEnv: envName.optional(),
  secretHash: z.string().regex(secretHashPattern, 'must be sha256:<43 base64url> or hmac-sha256:<43 base64url>').optional(),
  secret: plainSecret.optional(),
});

const account = seedObject(newAccount).extend({
  passwordEnv: envName.optional(),
  passwordHash: z.string().regex(passwordHashPattern, 'must be an scrypt hash (scrypt$N$r$p$salt$hash)').optional(),
  password: password.optional(),
  /** Upstream identities linked in advance: the person's first upstream sign-in lands here. */
  identities: z
    .array(
      z
        .object({
          upstream: z.string().min(1).max(32),
          subject: z.string().min(1).max(512),
          groups: z.array(z.string().min(1).max(512)).max(500).default([]),
        })
        .strict(),
    )
    .max(20)
    .default([]),
});

/** The declarative seed file (TOLLGATE_SEED_FILE); config/seed.example.json shows every field. */
export const seedSchema = z
  .object({
    $comment: z.string().optional(),
    /** Issuers added to the configuration's federation.trustedIssuers, in memory, at every start. */
    trustedIssuers: z.array(trustedIssuerSchema).max(100).default([]),
    /** Identity providers added to the configuration's upstreams at start (their secrets by variable, as there). */
    upstreams: z.array(upstreamSchema).max(20).default([]),
    resourceServers: z.array(resourceServer).default([]),
    clients: z.array(client).default([]),
    accounts: z.array(account).default([]),
  })
  .strict();

export type Seed = z.output<typeof seedSchema>;
export type SeedClient = Seed['clients'][number];
export type SeedAccount = Seed['accounts'][number];
export type SeedResourceServer = Seed['resourceServers'][number];
