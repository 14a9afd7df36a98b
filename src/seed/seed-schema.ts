import { z } from 'zod';

import { allGrantTypes, clientAuthMethods, grantTypes } from '../clients/client-record.ts';
import { secretHashPattern } from '../clients/client-secret.ts';
import { deviceCodeTtl } from '../admin/clients/client-input.ts';
import { passwordHashPattern } from '../accounts/password-hash.ts';
import { displayText, principalId, resourceIdentifier, scopeToken, username } from '../principals/identifiers.ts';
import { signingAlgs } from '../resources/resource-server-record.ts';

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name');
/** Seeded secrets are chosen by people, so they must carry as much entropy as generated ones. */
const plainSecret = z.string().min(32, 'must be at least 32 characters (tollgate keeps client secrets under a fast hash)');

const resourceServer = z
  .object({
    identifier: resourceIdentifier,
    name: displayText(200).min(1).optional(),
    scopes: z.array(scopeToken).max(100).default([]),
    accessTokenTtl: z.number().int().min(30).max(86400).optional(),
    signingAlg: z.enum(signingAlgs).default('ES256'),
  })
  .strict();

const client = z
  .object({
    clientId: principalId,
    name: displayText(200).min(1).optional(),
    description: displayText(2000).default(''),
    grantTypes: z
      .array(z.enum(allGrantTypes))
      .min(1)
      .default([grantTypes.clientCredentials]),
    authMethod: z.enum(clientAuthMethods).default('client_secret_basic'),
    secretEnv: envName.optional(),
    secretHash: z.string().regex(secretHashPattern, 'must be sha256:<43 base64url> or hmac-sha256:<43 base64url>').optional(),
    secret: plainSecret.optional(),
    jwks: z.object({ keys: z.array(z.record(z.string(), z.unknown())).min(1).max(10) }).strict().optional(),
    scopes: z.array(scopeToken).max(100).default([]),
    resources: z.array(resourceIdentifier).max(100).default([]),
    defaultResource: resourceIdentifier.optional(),
    maxPriority: z.unknown().optional(),
    deviceCodeTtl: deviceCodeTtl.optional(),
    disabled: z.boolean().default(false),
  })
  .strict();

const account = z
  .object({
    /** The token `sub`; defaults to the username so that the seed stays idempotent. */
    id: principalId.optional(),
    username,
    passwordEnv: envName.optional(),
    passwordHash: z.string().regex(passwordHashPattern, 'must be an scrypt hash (scrypt$N$r$p$salt$hash)').optional(),
    password: z.string().min(8).max(1024).optional(),
    name: displayText(200).optional(),
    email: z.email().max(320).optional(),
    maxPriority: z.unknown().optional(),
    disabled: z.boolean().default(false),
  })
  .strict();

/** The declarative seed file (TOLLGATE_SEED_FILE); config/seed.example.json shows every field. */
export const seedSchema = z
  .object({
    $comment: z.string().optional(),
    resourceServers: z.array(resourceServer).default([]),
    clients: z.array(client).default([]),
    accounts: z.array(account).default([]),
  })
  .strict();

export type Seed = z.output<typeof seedSchema>;
export type SeedClient = Seed['clients'][number];
export type SeedAccount = Seed['accounts'][number];
export type SeedResourceServer = Seed['resourceServers'][number];
