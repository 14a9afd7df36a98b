import { errors, type KoaContextWithOIDC } from 'oidc-provider';

import type { ClientRegistry } from '../clients/client-registry.ts';
import { grantTypes } from '../clients/client-record.ts';
import { AssertionError } from '../federation/assertion-error.ts';
import type { AssertionVerifier } from '../federation/assertion-verifier.ts';
import { IssuerUnavailableError } from '../federation/issuer-unavailable-error.ts';
import type { Logger } from '../logger.ts';
import type { ExtraGrant } from './grant-types.ts';

export interface JwtBearerGrantDeps {
  clients: ClientRegistry;
  verifier: AssertionVerifier;
  issueClientToken: (ctx: KoaContextWithOIDC) => Promise<void>;
  logger: Logger;
}

/**
 * RFC 7523 §2.1: the client presents a platform token (`assertion`) proving one of its
 * federated identities, and gets exactly the token client credentials would give it. The
 * client was identified (or, with a secret, authenticated) by oidc-provider before this runs;
 * the assertion is what authenticates a client that has no secret.
 */
export function jwtBearerGrant({ clients, verifier, issueClientToken, logger }: JwtBearerGrantDeps): ExtraGrant {
  return {
    grantType: grantTypes.jwtBearer,
    parameters: ['assertion', 'scope', 'resource', 'audience'],
    duplicates: ['resource'],
    async handler(ctx) {
      const { client, params } = ctx.oidc;
      const assertion = params?.assertion;
      if (typeof assertion !== 'string' || assertion === '') throw new errors.InvalidRequest("missing required parameter 'assertion'");
      const record = client ? await clients.get(client.clientId) : undefined;
      try {
        await verifier.verify(assertion, record?.federatedIdentities ?? []);
      } catch (error) {
        if (!(error instanceof AssertionError)) throw error;
        logger.info(
          { reqId: ctx.state?.requestId, clientId: client?.clientId, issuer: error.issuer?.slice(0, 200), check: error.code },
          'jwt-bearer assertion refused',
        );
        if (error.code === 'issuer_unavailable') {
          ctx.set('retry-after', '5');
          throw new IssuerUnavailableError(`the assertion's issuer cannot be reached to verify it; retry shortly (${error.message})`);
        }
        // RFC 7523 §3.1: a refused assertion is invalid_grant; the description names the check.
        throw Object.assign(new errors.InvalidGrant(), { error_description: `assertion refused (${error.code}): ${error.message}` });
      }
      await issueClientToken(ctx);
    },
  };
}
