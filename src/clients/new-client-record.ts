import type { ClientRecord } from './client-record.ts';

/** What a caller must decide; every other field has the default a new client gets. */
export type ClientFields = Pick<ClientRecord, 'clientId' | 'grantTypes' | 'authMethod'> & Partial<Omit<ClientRecord, 'clientId' | 'grantTypes' | 'authMethod'>>;

/**
 * The one builder of a client record (admin API, seed, registration, bootstrap and demo
 * clients): defaults filled in, optional fields absent rather than undefined so that stored
 * records compare equal however they were made.
 */
export function newClientRecord(fields: ClientFields, now = new Date().toISOString()): ClientRecord {
  const given = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined && value !== null)) as ClientFields;
  return {
    name: fields.clientId,
    description: '',
    secrets: [],
    scopes: [],
    resources: [],
    disabled: false,
    createdAt: now,
    updatedAt: now,
    ...given,
  };
}
