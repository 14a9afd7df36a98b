import type { AdminRoute } from '../admin-route.ts';
import { findResource } from './find-resource.ts';
import { resourceView } from './resource-view.ts';
import { resourceViewSchema } from './resource-view.ts';

/** GET /admin/resources/:identifier (percent-encoded) */
export const getResourceRoute: AdminRoute = {
  method: 'GET',
  path: '/resources/:identifier',
  summary: 'Read a resource server (identifier percent-encoded)',
  responses: { 200: resourceViewSchema },
  async handle({ params }, deps) {
    return { body: resourceView(await findResource(deps, params.identifier as string)) };
  },
};
