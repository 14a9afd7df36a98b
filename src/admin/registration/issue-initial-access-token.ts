import { z } from 'zod';

import { grantTypes } from '../../clients/client-record.ts';
import { checkRegistrableGrantTypes, checkResourcesAndScopes } from '../../clients/client-rules.ts';
import { resourceIdentifier, scopeToken } from '../../principals/identifiers.ts';
import { maxPrioritySchema } from '../../principals/max-priority.ts';
import type { ResourceRegistry } from '../../resources/resource-registry.ts';
import { issueInitialAccessToken } from '../../registration/initial-access-tokens.ts';
import { createRegistrationTermsStore, type RegistrationTerms } from '../../registration/registration-terms.ts';
import { adminRoute } from '../admin-route.ts';
import { audit } from '../audit.ts';
import { grantTypeList } from '../clients/client-input.ts';
import { initialAccessTokenIssued, initialAccessTokenView } from './initial-access-token-view.ts';

const request = z
  .object({
    resources: z.array(resourceIdentifier).min(1).max(100),
    scopes: z.array(scopeToken).max(100).optional(),
    default_resource: resourceIdentifier.optional(),
    grant_types: grantTypeList.default([grantTypes.clientCredentials]),
    max_priority: maxPrioritySchema.optional(),
    expires_in: z
      .number()
      .int()
      .min(60)
      .max(30 * 86400)
      .default(86400),
    single_use: z.boolean().default(false),
  })
  .strict();

/**
 * POST /admin/initial-access-tokens: a bearer token a service presents to the registration
 * endpoint (RFC 7591 §3) to register itself, with the resources, scopes, grants and
 * max_priority decided here. `scopes` defaults to every scope of the resources.
 */
export const issueInitialAccessTokenRoute = adminRoute({
  method: 'POST',
  path: '/initial-access-tokens',
  summary: 'Issue an initial access token for RFC 7591 registration, with its terms',
  body: request,
  responses: { 201: initialAccessTokenIssued },
  async handle({ body: input, caller }, deps) {
    checkRegistrableGrantTypes(input.grant_types);
    const scopes = input.scopes ?? (await defaultScopes(deps.resources, input.resources));
    const terms: RegistrationTerms = {
      resources: input.resources,
      scopes,
      grantTypes: input.grant_types,
      ...(input.default_resource ? { defaultResource: input.default_resource } : {}),
      ...(input.max_priority !== undefined ? { maxPriority: input.max_priority } : {}),
      singleUse: input.single_use,
    };
    await checkResourcesAndScopes(terms, deps.resources);
    const { token, id, expiresAt } = await issueInitialAccessToken(
      deps.provider,
      deps.storage,
      createRegistrationTermsStore(deps.storage),
      terms,
      input.expires_in,
    );
    audit(deps, caller, 'registration.issue-initial-access-token', { id, resources: terms.resources, expiresAt });
    return {
      status: 201,
      body: {
        initial_access_token: token,
        registration_endpoint: `${deps.config.issuer}/reg`,
        ...initialAccessTokenView({ id, createdAt: new Date().toISOString(), expiresAt, terms }),
      },
    };
  },
});

async function defaultScopes(resources: ResourceRegistry, identifiers: string[]): Promise<string[]> {
  const all = await Promise.all(identifiers.map((identifier) => resources.get(identifier)));
  return [...new Set(all.flatMap((server) => server?.scopes ?? []))];
}
