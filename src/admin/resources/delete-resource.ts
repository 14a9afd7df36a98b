import { AppError } from '../../errors.ts';
import type { AdminRoute } from '../admin-route.ts';
import { audit } from '../audit.ts';
import { findResource } from './find-resource.ts';
import { refuseBuiltIn } from '../../resources/resource-rules.ts';
import { z } from 'zod';

/** DELETE /admin/resources/:identifier: refused while a client may still ask for it. */
export const deleteResourceRoute: AdminRoute = {
  method: 'DELETE',
  path: '/resources/:identifier',
  summary: 'Delete a resource server no client uses',
  responses: { 200: z.object({ identifier: z.string(), deleted: z.literal(true) }).strict() },
  async handle({ params, caller }, deps) {
    refuseBuiltIn(params.identifier as string);
    const record = await findResource(deps, params.identifier as string);
    const users = (await deps.clients.list()).filter((client) => client.resources.includes(record.identifier)).map((client) => client.clientId);
    if (users.length > 0) {
      throw new AppError('conflict', `clients still use ${record.identifier}: ${users.slice(0, 10).join(', ')}${users.length > 10 ? ', ...' : ''}; remove it from them first`);
    }
    await deps.resources.delete(record.identifier);
    audit(deps, caller, 'resource.delete', { identifier: record.identifier });
    return { body: { identifier: record.identifier, deleted: true } };
  },
};
