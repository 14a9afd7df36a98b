import { createResourceTokenStore } from '../../src/resource-tokens/resource-token-store.ts';
import { createResourceTokens } from '../../src/resource-tokens/resource-tokens.ts';
import { createResourceRegistry } from '../../src/resources/resource-registry.ts';
import { createRedisClient } from '../../src/storage/redis-connection.ts';
import { createRedisStorage } from '../../src/storage/redis-storage.ts';
import { basicAuthorization, fixtures } from './tollgate-fixtures.ts';

/**
 * A resource token (issue 19) for the bench's ES256 API with the bench scopes, made through
 * tollgate's own module in its Redis as a maintainer would through the self-service API (which
 * the API's record allows here), and the Basic credentials that present it: the token's public
 * id as client_id, the whole value as the secret.
 */
export async function benchResourceToken(redisUrl: string, keyPrefix = 'tollgate:'): Promise<string> {
  const client = createRedisClient({ url: redisUrl, mode: 'standalone', sentinelName: 'mymaster', nodes: [], keyPrefix, commandTimeoutMs: 2000 });
  await client.connect();
  try {
    const storage = createRedisStorage(client, keyPrefix, { secretPepper: fixtures.secretPepper });
    const resources = createResourceRegistry(storage, 0);
    const resource = await resources.get(fixtures.resources.ES256);
    if (!resource) throw new Error('the bench resource is not seeded');
    await resources.save({ ...resource, selfService: { enabled: true, maxLifetimeDays: 365, publisherIssuers: [] } });
    const tokens = createResourceTokens({ store: createResourceTokenStore(storage), secretPepper: fixtures.secretPepper, securityEvents: { emit: () => {} } });
    const creator = { id: 'bench-maintainer', username: 'bench-maintainer', passwordHash: '', disabled: false, createdAt: '', updatedAt: '' };
    const { value } = await tokens.create(
      resource,
      creator,
      undefined,
      { description: 'bench', scopes: fixtures.scope.split(' '), expires_at: new Date(Date.now() + 86400_000).toISOString() },
      { actor: { kind: 'account', id: creator.id } },
    );
    return basicAuthorization(value.slice(0, value.indexOf('_', 5)), value);
  } finally {
    client.disconnect();
  }
}
