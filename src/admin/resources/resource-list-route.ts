import type { ResourceServerRecord } from '../../resources/resource-server-record.ts';
import type { AdminDeps, AdminRoute } from '../admin-route.ts';
import { wholeListRoute, type WholeListSpec } from '../list-route.ts';
import { findResource } from './find-resource.ts';

/** A list of what one resource server holds (its tokens, its publishers): its items, given the resource. */
export interface ResourceListSpec<V> extends Omit<WholeListSpec<V>, 'path' | 'list'> {
  list(resource: ResourceServerRecord, deps: AdminDeps): Promise<V[]>;
}

/** GET /resources/:identifier/<key>, whole; a 404 naming the resource when there is none. */
export function resourceListRoute<V>(spec: ResourceListSpec<V>): AdminRoute {
  return wholeListRoute({
    ...spec,
    path: `/resources/:identifier/${spec.key}`,
    list: async ({ params }, deps) => spec.list(await findResource(deps, params.identifier as string), deps),
  });
}
