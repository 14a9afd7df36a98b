import { bootstrapAdminClient } from './bootstrap-admin.ts';
import type { Services } from '../services.ts';
import { applySeedFile } from './apply-seed.ts';
import { federatedIdentityWarnings } from '../federation/identity-warnings.ts';

/**
 * What storage must hold before the first request: the seed file's principals, then the
 * bootstrap admin client (so a seeded admin client makes the bootstrap a no-op). Then a warning
 * for each federated identity that is weaker than it looks (identity-warnings.ts).
 */
export async function ensureStartupPrincipals(deps: Services, env: NodeJS.ProcessEnv): Promise<void> {
  const { config, storage, clients, accounts, resources, signingKeys, trustedIssuers, logger, upstreams } = deps;
  if (config.seedFile) {
    const outcome = await applySeedFile(
      config.seedFile,
      // Plaintext in the seed only where nothing is kept anyway: the in-process development store.
      {
        clients,
        accounts,
        resources,
        signingKeys,
        trustedIssuers,
        secretPepper: config.secretPepper,
        allowPlaintext: storage.kind === 'memory',
        upstreamIds: new Set(upstreams.settings.keys()),
        defaultAudience: config.issuer,
      },
      env,
    );
    logger.info({ seedFile: config.seedFile, ...outcome }, 'seed applied');
  }
  if ((await bootstrapAdminClient(clients, config.bootstrapAdminSecret, config.secretPepper)) === 'created') {
    logger.warn(
      'created admin client "tollgate-admin" from TOLLGATE_BOOTSTRAP_ADMIN_SECRET; give it a generated secret (tollgate clients rotate-secret) once you are in',
    );
  }
  try {
    for (const warning of federatedIdentityWarnings(await clients.list(), config.issuer)) {
      logger.warn({ clientId: warning.clientId, field: `federated_identities.${warning.index}` }, warning.message);
    }
  } catch (error) {
    // Advice only: a storage hiccup here must not stop the start.
    logger.warn({ err: error }, 'could not check the federated identities of the stored clients');
  }
}
