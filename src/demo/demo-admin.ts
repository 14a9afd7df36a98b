import type { ClientRegistry } from '../clients/client-registry.ts';
import { generateClientSecret } from '../clients/client-secret.ts';
import { adminClientRecord } from '../seed/bootstrap-admin.ts';

/**
 * Demo mode's admin client `demo-admin`, so the admin API and CLI can be tried at once. Its
 * secret is new at every start (printed with the other demo credentials), never configurable.
 */
export async function ensureDemoAdmin(clients: ClientRegistry, pepper: string | undefined): Promise<{ adminClientId: string; adminClientSecret: string }> {
  const secret = generateClientSecret();
  const existing = await clients.get('demo-admin');
  const record = adminClientRecord('demo-admin', 'Demo admin', secret, pepper);
  await clients.save({ ...record, createdAt: existing?.createdAt ?? record.createdAt });
  return { adminClientId: 'demo-admin', adminClientSecret: secret };
}
