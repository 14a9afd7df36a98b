import type { AdminRoute } from './admin-route.ts';
import { openApiRoute } from './openapi-route.ts';
import { createAccountRoute, deleteAccountRoute, getAccountRoute, listAccountsRoute, updateAccountRoute } from './accounts/account-routes.ts';
import { setAccountPasswordRoute } from './accounts/set-account-password.ts';
import { unlinkIdentityRoute } from './accounts/unlink-identity.ts';
import { createClientRoute, deleteClientRoute, getClientRoute, listClientsRoute, updateClientRoute } from './clients/client-routes.ts';
import { rotateClientSecretRoute } from './clients/rotate-client-secret.ts';
import { listTrustedIssuersRoute } from './federation/list-trusted-issuers.ts';
import { revokeAccountGrantsRoute, revokeClientGrantsRoute } from './grants/revoke-grants.ts';
import { issueInitialAccessTokenRoute } from './registration/issue-initial-access-token.ts';
import { listInitialAccessTokensRoute } from './registration/list-initial-access-tokens.ts';
import { revokeInitialAccessTokenRoute } from './registration/revoke-initial-access-token.ts';
import { createResourceRoute, deleteResourceRoute, getResourceRoute, listResourcesRoute, updateResourceRoute } from './resources/resource-routes.ts';
import { listResourceTokensRoute, revokeResourceTokenRoute } from './resource-tokens/resource-token-routes.ts';
import { listPublishersRoute, removePublisherRoute } from './trusted-publishers/publisher-routes.ts';
import { listUpstreamsRoute } from './upstreams/list-upstreams.ts';
import { importKeysRoute, keyScheduleRoute, listKeysRoute, revokeKeyRoute, rotateKeysRoute } from './keys/key-routes.ts';

/**
 * The admin API, as a table (paths relative to /admin). A new endpoint is an AdminRoute made by
 * `adminRoute` with its schemas (`body`, `query`, `responses`), or by a record kind's builders
 * (record-routes.ts), added here: /admin/openapi.json and the tests' response validation follow
 * from the table.
 */
export const adminRoutes: AdminRoute[] = [
  openApiRoute(() => adminRoutes),
  listClientsRoute,
  createClientRoute,
  getClientRoute,
  updateClientRoute,
  deleteClientRoute,
  rotateClientSecretRoute,
  revokeClientGrantsRoute,
  listAccountsRoute,
  createAccountRoute,
  getAccountRoute,
  updateAccountRoute,
  deleteAccountRoute,
  setAccountPasswordRoute,
  revokeAccountGrantsRoute,
  unlinkIdentityRoute,
  listResourcesRoute,
  createResourceRoute,
  getResourceRoute,
  updateResourceRoute,
  deleteResourceRoute,
  listResourceTokensRoute,
  revokeResourceTokenRoute,
  listPublishersRoute,
  removePublisherRoute,
  listInitialAccessTokensRoute,
  issueInitialAccessTokenRoute,
  revokeInitialAccessTokenRoute,
  listUpstreamsRoute,
  listTrustedIssuersRoute,
  listKeysRoute,
  keyScheduleRoute,
  rotateKeysRoute,
  revokeKeyRoute,
  importKeysRoute,
];
