import type { AdminRoute } from '../admin-route.ts';
import { resourceView } from './resource-view.ts';

/** GET /admin/resources: the built-in admin API first, then the others by identifier. */
export const listResourcesRoute: AdminRoute = {
  method: 'GET',
  path: '/resources',
  async handle(_request, deps) {
    const [builtIn, ...others] = await deps.resources.list();
    others.sort((a, b) => a.identifier.localeCompare(b.identifier));
    return { body: { resources: [...(builtIn ? [builtIn] : []), ...others].map(resourceView) } };
  },
};
