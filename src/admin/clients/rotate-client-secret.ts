import { z } from 'zod';

import type { SecretHash } from '../../clients/client-record.ts';
import { generateClientSecret, hashClientSecret } from '../../clients/client-secret.ts';
import { AppError } from '../../errors.ts';
import { adminRoute } from '../admin-route.ts';
import { audit } from '../audit.ts';
import { clientView, clientWithSecretSchema } from './client-view.ts';
import { findClient } from './find-client.ts';

const maxOverlapSeconds = 30 * 86400;

const rotation = z
  .object({
    /** How long the replaced secret keeps working, so callers can be redeployed; 0 = at once. */
    overlap_seconds: z.number().int().min(0).max(maxOverlapSeconds).default(0),
  })
  .strict();

/**
 * POST /admin/clients/:id/rotate-secret: a new secret (shown in this response only) becomes
 * current; the replaced one keeps working for `overlap_seconds`. Earlier overlapping secrets
 * stop at once, so at most two secrets are ever valid.
 */
export const rotateClientSecretRoute = adminRoute({
  method: 'POST',
  path: '/clients/:id/rotate-secret',
  summary: "Replace a client's secret; the old one may keep working for an overlap window",
  body: rotation,
  responses: { 200: clientWithSecretSchema },
  async handle({ params, body: { overlap_seconds: overlap }, caller }, deps) {
    const current = await findClient(deps, params.id as string);
    if (current.authMethod !== 'client_secret_basic' && current.authMethod !== 'client_secret_post') {
      throw new AppError('conflict', `client "${current.clientId}" authenticates with ${current.authMethod}, it has no secret`);
    }
    const secret = generateClientSecret();
    const now = Date.now();
    const previous = current.secrets[0];
    const secrets: SecretHash[] = [{ hash: hashClientSecret(secret, deps.config.secretPepper) }];
    if (previous && overlap > 0) secrets.push({ hash: previous.hash, expiresAt: new Date(now + overlap * 1000).toISOString() });
    const next = { ...current, secrets, updatedAt: new Date(now).toISOString() };
    await deps.clients.save(next);
    audit(deps, caller, 'client.rotate-secret', { clientId: next.clientId, overlapSeconds: overlap });
    deps.securityEvents.emit('client_secret.rotated', { reqId: caller.reqId, ip: caller.ip, clientId: next.clientId, by: caller.sub, overlapSeconds: overlap });
    return { body: { ...clientView(next, await deps.clients.lastUsed(next.clientId)), client_secret: secret } };
  },
});
