import type { JWK } from 'jose';
import { z } from 'zod';

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name');
const claimName = z.string().min(1).max(200);

/** One rule: people in `group` (or whose `claim` has `value`) get at least this max_priority. */
const priorityRule = z
  .object({
    group: z.string().min(1).max(512).optional().describe('A group (oidc) or "org" / "org/team" (github) that the person must be in'),
    claim: claimName.optional().describe('A claim of the upstream identity (oidc) ...'),
    value: z.string().max(512).optional().describe('... and the value it must have (or contain, for a list)'),
    maxPriority: z.record(z.string(), z.unknown()).describe('The max_priority map the rule grants; queue -> non-negative integer'),
  })
  .strict()
  .refine((rule) => (rule.group !== undefined) !== (rule.claim !== undefined && rule.value !== undefined), 'give either group, or claim and value');

const common = {
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'must be 1-32 lowercase letters, digits or -, starting with a letter or digit')
    .describe('Used in URLs (the redirect URI is <issuer>/upstream/<id>/callback) and in linked identities'),
  name: z.string().min(1).max(100).describe('Shown on its button: "Continue with <name>"'),
  clientId: z.string().min(1).max(512).describe("tollgate's client id at the upstream"),
  clientSecretEnv: envName.describe("Environment variable holding tollgate's client secret at the upstream"),
  provisioning: z
    .enum(['jit', 'existing'])
    .default('jit')
    .describe('"jit": create the account at first sign-in; "existing": only link to an account matched by username or verified email'),
  priorityRules: z.array(priorityRule).max(200).default([]).describe('Rules mapping groups or claims to max_priority maps'),
  reverifyAfter: z.number().int().min(0).default(86400).describe('Seconds after the last upstream check when a refresh re-checks the person upstream'),
  unreachableGrace: z
    .number()
    .int()
    .min(0)
    .default(3600)
    .describe('Seconds a login survives, counted from the first re-check that could not reach the upstream, while it stays unreachable; then the login ends'),
};

const admissionMatch = z
  .enum(['all', 'any'])
  .default('all')
  .describe('"all": a person must pass every admission rule given here; "any": one is enough (verified email in a domain OR member of a group)');

const emailDomains = z
  .array(z.string().regex(/^[a-z0-9.-]+$/i, 'must be a domain name'))
  .max(100)
  .default([])
  .describe('Admit only verified emails in these domains (empty: any)');

export const tokenEndpointAuthMethods = ['client_secret_basic', 'client_secret_post', 'private_key_jwt'] as const;

const oidcUpstream = z
  .object({
    ...common,
    clientSecretEnv: envName.optional().describe("Environment variable holding tollgate's client secret at the upstream (not needed with private_key_jwt)"),
    type: z.literal('oidc').describe('An OpenID Provider (Entra ID, Okta, Google, Keycloak, Dex, ...), found by discovery'),
    tokenEndpointAuthMethod: z
      .enum(tokenEndpointAuthMethods)
      .optional()
      .describe(
        "How tollgate authenticates at the upstream's token endpoint; default: the first the upstream advertises (token_endpoint_auth_methods_supported) of private_key_jwt (when privateKeyEnv is set), client_secret_basic, client_secret_post",
      ),
    privateKeyEnv: envName.optional().describe('Environment variable holding the private JWK (JSON) tollgate signs its private_key_jwt client assertions with'),
    issuer: z.url().describe('The upstream issuer; its /.well-known/openid-configuration is read at start'),
    scopes: z
      .array(z.string().min(1))
      .min(1)
      .default(['openid', 'profile', 'email'])
      .describe("Scopes asked for; add offline_access (or the IdP's equivalent) so leavers can be re-checked"),
    claims: z
      .object({
        username: claimName.default('preferred_username').describe('The claim that names the tollgate account at its first sign-in'),
        name: claimName.default('name').describe('The claim with the display name'),
        email: claimName.default('email').describe('The claim with the email address (verified by email_verified, or trustEmail)'),
        groups: claimName
          .default('groups')
          .describe('The claim listing the groups admission and priorityRules read; read from the ID token, else from UserInfo'),
      })
      .strict()
      .prefault({})
      .describe('Which claims give username, name, email and groups'),
    trustEmail: z.boolean().default(false).describe('Treat the email claim as verified even without email_verified: true (IdPs that never send it)'),
    admission: z
      .object({
        match: admissionMatch,
        emailDomains,
        groups: z.array(z.string().min(1)).max(200).default([]).describe('Admit only people in at least one of these groups (empty: any)'),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((upstream, context) => {
    const keyed = upstream.tokenEndpointAuthMethod === 'private_key_jwt';
    if (keyed && !upstream.privateKeyEnv)
      context.addIssue({ code: 'custom', path: ['privateKeyEnv'], message: 'is required with tokenEndpointAuthMethod private_key_jwt' });
    if (!keyed && !upstream.clientSecretEnv && !(upstream.tokenEndpointAuthMethod === undefined && upstream.privateKeyEnv)) {
      context.addIssue({ code: 'custom', path: ['clientSecretEnv'], message: 'is required unless tokenEndpointAuthMethod is private_key_jwt' });
    }
  });

const githubUpstream = z
  .object({
    ...common,
    type: z.literal('github').describe('GitHub or GitHub Enterprise Server, through an OAuth app; groups are "org" and "org/team-slug"'),
    baseUrl: z.url().default('https://github.com').describe('Where people sign in; https://github.example.com for GitHub Enterprise Server'),
    apiUrl: z.url().default('https://api.github.com').describe('The REST API; https://github.example.com/api/v3 for GitHub Enterprise Server'),
    admission: z
      .object({
        match: admissionMatch,
        emailDomains,
        orgs: z.array(z.string().min(1)).max(200).default([]).describe('Admit only members of at least one of these orgs (empty: any)'),
        teams: z
          .array(z.string().regex(/^[^/\s]+\/[^/\s]+$/, 'must be org/team-slug'))
          .max(200)
          .default([])
          .describe('Admit only members of at least one of these teams, "org/team-slug"'),
      })
      .strict()
      .prefault({}),
  })
  .strict();

/** An upstream identity provider people can sign in through (SPEC §13). */
export const upstreamSchema = z.discriminatedUnion('type', [oidcUpstream, githubUpstream]);

export type UpstreamInput = z.output<typeof upstreamSchema>;
export type OidcUpstreamSettings = z.output<typeof oidcUpstream> & {
  /** Read from clientSecretEnv; undefined when only a private key is configured. */
  clientSecret: string | undefined;
  /** The private JWK read from privateKeyEnv. */
  privateKey: JWK | undefined;
};
export type GithubUpstreamSettings = z.output<typeof githubUpstream> & { clientSecret: string };
/** An upstream as the rest of tollgate sees it: its secret read from the environment. */
export type UpstreamSettings = OidcUpstreamSettings | GithubUpstreamSettings;
