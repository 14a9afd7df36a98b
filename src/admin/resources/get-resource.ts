import type { AdminRoute } from '../admin-route.ts';
import { findResource } from './find-resource.ts';
import { resourceView } from './resource-view.ts';

/** GET /admin/resources/:identifier (percent-encoded) */
export const getResourceRoute: AdminRoute = {
  method: 'GET',
  path: '/resources/:identifier',
  async handle({ params }, deps) {
    return { body: resourceView(await findResource(deps, params.identifier as string)) };
  },
};
