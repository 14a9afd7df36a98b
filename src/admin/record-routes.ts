import { z } from 'zod';

import type { GrantPrincipal } from '../storage/storage.ts';
import { adminRoute, type AdminCaller, type AdminDeps, type AdminRoute } from './admin-route.ts';
import { audit } from './audit.ts';
import { listRoute, type ListSpec, type PageQuerySchema } from './list-route.ts';

/**
 * A kind of record the admin API keeps (clients, accounts, resource servers): how paths, answers
 * and audit lines name it, and how one is found, shown and checked. The builders below make its
 * list, create, get, update and delete endpoints from it, so every kind answers, 404s and audits
 * the same way; what is particular to one comes in as small functions.
 */
export interface RecordKind<R, V> {
  /** `client`: its audit actions are `client.create`, `client.update`, ... */
  name: string;
  /** `clients`: the collection's path (/admin/clients) and the list answer's array. */
  collection: string;
  /** The path parameter naming one record: /admin/clients/:id. */
  param: string;
  /** How answers (`client_id`) and audit lines (`clientId`) name the record's id. */
  field: string;
  auditField: string;
  idOf(record: R): string;
  /** The record the path names, or a 404 naming it. */
  find(deps: AdminDeps, id: string): Promise<R>;
  view: z.ZodType<V>;
  /** The record as answers show it; `stored` is false for one just created, with no history yet. */
  show(record: R, deps: AdminDeps, stored: boolean): V | Promise<V>;
  /** The rules a new or changed record obeys, checked before it is stored. */
  check?(record: R, deps: AdminDeps): void | Promise<void>;
  /** Whose grants records of this kind hold: deleting one revokes them first. */
  grants?: GrantPrincipal['kind'];
}

/** A kind whose records hold grants (device logins): the admin API can revoke them. */
export interface GrantHolder {
  grants: GrantPrincipal['kind'];
}

/** A record with the timestamp every change moves. */
interface Stamped {
  updatedAt: string;
}

/** `/clients/:id` */
export function recordPath(kind: Pick<RecordKind<unknown, unknown>, 'collection' | 'param'>): string {
  return `/${kind.collection}/:${kind.param}`;
}

/** GET /admin/<collection>: the kind's records, a page at a time. */
export function listRecordsRoute<R, V, Q extends PageQuerySchema>(
  kind: RecordKind<R, V>,
  spec: Pick<ListSpec<R, V, Q>, 'summary' | 'query' | 'select' | 'orderBy'>,
): AdminRoute {
  return listRoute({ ...spec, path: `/${kind.collection}`, key: kind.collection, item: kind.view, view: (record, deps) => kind.show(record, deps, true) });
}

export interface CreateSpec<R, B extends z.ZodType> {
  summary: string;
  body: B;
  /** The 201 answer's schema, when it shows more than the record (a generated secret). */
  answer?: z.ZodType;
  /** The new record, and what the answer shows beside it this once and never again. */
  build(input: z.output<B>, deps: AdminDeps): Created<R> | Promise<Created<R>>;
  /** Stores the new record; an id (or unique name) already taken is a 409 naming the field. */
  insert(deps: AdminDeps, record: R): Promise<void>;
}

interface Created<R> {
  record: R;
  once?: Record<string, string>;
}

/** POST /admin/<collection>: 201 with the new record. */
export function createRecordRoute<R, V, B extends z.ZodType>(kind: RecordKind<R, V>, spec: CreateSpec<R, B>): AdminRoute {
  return adminRoute({
    method: 'POST',
    path: `/${kind.collection}`,
    summary: spec.summary,
    body: spec.body,
    responses: { 201: spec.answer ?? kind.view },
    async handle({ body, caller }, deps) {
      const { record, once } = await spec.build(body, deps);
      await kind.check?.(record, deps);
      await spec.insert(deps, record);
      audit(deps, caller, `${kind.name}.create`, { [kind.auditField]: kind.idOf(record) });
      return { status: 201, body: { ...(await kind.show(record, deps, false)), ...once } };
    },
  });
}

/** GET /admin/<collection>/:<param> */
export function getRecordRoute<R, V>(kind: RecordKind<R, V>, summary: string): AdminRoute {
  return adminRoute({
    method: 'GET',
    path: recordPath(kind),
    summary,
    responses: { 200: kind.view },
    async handle({ params }, deps) {
      return { body: await kind.show(await kind.find(deps, params[kind.param] as string), deps, true) };
    },
  });
}

export interface UpdateSpec<R, B extends z.ZodObject> {
  summary: string;
  body: B;
  /** Refuses a change outright (409) before anything is applied. */
  refuse?(current: R, changes: z.output<B>, caller: AdminCaller): void;
  /** Applies the changes sent to a copy of the record (usually through `patch`). */
  apply(next: R, changes: z.output<B>): void;
  /** Stores the changed record; a unique name already taken is a 409 naming the field. */
  save(deps: AdminDeps, next: R, current: R): Promise<void>;
}

/** PATCH /admin/<collection>/:<param>: only the fields sent change; the audit line names them. */
export function updateRecordRoute<R extends Stamped, V, B extends z.ZodObject>(kind: RecordKind<R, V>, spec: UpdateSpec<R, B>): AdminRoute {
  return adminRoute({
    method: 'PATCH',
    path: recordPath(kind),
    summary: spec.summary,
    body: spec.body,
    responses: { 200: kind.view },
    async handle({ params, body: changes, caller }, deps) {
      const current = await kind.find(deps, params[kind.param] as string);
      spec.refuse?.(current, changes, caller);
      const next: R = { ...current, updatedAt: new Date().toISOString() };
      spec.apply(next, changes);
      await kind.check?.(next, deps);
      await spec.save(deps, next, current);
      audit(deps, caller, `${kind.name}.update`, { [kind.auditField]: kind.idOf(next), fields: Object.keys(changes) });
      return { body: await kind.show(next, deps, true) };
    },
  });
}

/** What a PATCH changes on a record: a field left out stays, `null` removes an optional one. */
export type Changes<R> = { [K in keyof R]?: undefined extends R[K] ? R[K] | null : R[K] };

export function patch<R extends object>(record: R, changes: Changes<R>): void {
  for (const key of Object.keys(changes) as (keyof R)[]) {
    const value = changes[key];
    if (value === null) delete record[key];
    else if (value !== undefined) record[key] = value as R[keyof R];
  }
}

export interface DeleteSpec<R> {
  summary: string;
  /** Refuses the deletion (409): the caller's own client, a resource server still in use. */
  refuse?(record: R, deps: AdminDeps, caller: AdminCaller): void | Promise<void>;
  remove(deps: AdminDeps, id: string, caller: AdminCaller): Promise<unknown>;
}

/** DELETE /admin/<collection>/:<param>: the record's grants, if its kind holds any, are revoked first. */
export function deleteRecordRoute<R, V>(kind: RecordKind<R, V>, spec: DeleteSpec<R>): AdminRoute {
  const { grants } = kind;
  const revokedGrants = grants ? { revoked_grants: z.number().int() } : {};
  return adminRoute({
    method: 'DELETE',
    path: recordPath(kind),
    summary: spec.summary,
    responses: { 200: z.object({ [kind.field]: z.string(), deleted: z.literal(true), ...revokedGrants }).strict() },
    async handle({ params, caller }, deps) {
      const record = await kind.find(deps, params[kind.param] as string);
      await spec.refuse?.(record, deps, caller);
      const id = kind.idOf(record);
      const revoked = grants ? await deps.storage.revokeGrantsOf({ kind: grants, id }) : undefined;
      await spec.remove(deps, id, caller);
      audit(deps, caller, `${kind.name}.delete`, { [kind.auditField]: id, ...(grants ? { revokedGrants: revoked } : {}) });
      return { body: { [kind.field]: id, deleted: true, ...(grants ? { revoked_grants: revoked } : {}) } };
    },
  });
}
