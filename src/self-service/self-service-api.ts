import type { ApiDescription } from '../admin/openapi-document.ts';
import { selfServiceResource } from '../resources/resource-server-record.ts';

/** How /self-service/openapi.json describes the maintainers' API and its token. */
export function selfServiceApi(issuer: string): ApiDescription {
  return {
    base: '/self-service',
    title: 'tollgate self-service API',
    description: `For the maintainers of a resource server (docs/team-tokens.md). Every request but openapi.json and leaked-tokens needs your own access token for ${selfServiceResource.identifier} with scope ${selfServiceResource.scope}: tollgate login --resource ${selfServiceResource.identifier}.`,
    security: [{ maintainerToken: [] }],
    securitySchemes: {
      maintainerToken: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description: `A person's access token from the device flow at ${issuer}/device/auth, for ${selfServiceResource.identifier}, scope ${selfServiceResource.scope}`,
      },
    },
  };
}
