import type { ParseArgsOptionsConfig } from 'node:util';

import { adminOptions, adminOptionsHelp, connectAdminApi, type AdminApi } from './admin-api.ts';
import type { Command, Values } from './command.ts';

/**
 * An admin record group of the CLI (`tollgate accounts|clients|resources`). Most of their
 * commands are one admin API call on the record the positional names, so one place decides how
 * those are shaped, called and printed.
 */
export interface RecordGroup {
  /** The CLI word, e.g. `clients`. */
  group: string;
  /** The positional naming one record, e.g. `client-id`. */
  positional: string;
  /** A record's admin API path. */
  path(id: string): string;
  /** The id a change (any call but GET) is made on, when the positional may name the record otherwise. */
  resolve?(api: AdminApi, named: string): Promise<string>;
}

export interface RecordCommandSpec {
  name: string;
  summary: string;
  /** Options beside the admin connection's. */
  options?: ParseArgsOptionsConfig;
  /** What follows `<positional>` on the usage line, and the text under it. */
  usage?: string;
  details?: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Appended to the record's path, e.g. `/rotate-secret`. */
  action?: string;
  body?(values: Values): unknown;
  /** The answer as text (with --json the answer itself is printed). */
  show(result: Record<string, unknown>): string;
}

/** A command making one admin API call on the record its positional names. */
export function recordCommand(records: RecordGroup, spec: RecordCommandSpec): Command {
  return {
    name: spec.name,
    summary: spec.summary,
    positionals: [records.positional],
    options: { ...adminOptions, ...spec.options },
    help: `usage: tollgate ${records.group} ${spec.name} <${records.positional}>${spec.usage ?? ''}\n\n${spec.details ? `${spec.details}\n\n` : ''}${adminOptionsHelp}`,
    async run(context) {
      // The options are read (and refused) before the server is asked anything.
      const body = spec.body?.(context.values);
      const api = connectAdminApi(context);
      const named = context.positionals[0] as string;
      const id = records.resolve && spec.method !== 'GET' ? await records.resolve(api, named) : named;
      const result = await api.call(spec.method, `${records.path(id)}${spec.action ?? ''}`, body);
      context.out.result(result, () => spec.show(result));
    },
  };
}

export function getCommand(records: RecordGroup, summary: string, show: (record: Record<string, unknown>) => string): Command {
  return recordCommand(records, { name: 'get', summary, usage: ' [--json]', method: 'GET', show });
}

/** `revoke-grants`: the server's answer names the record by `idField` and says what revocation cannot reach. */
export function revokeGrantsCommand(records: RecordGroup, summary: string, idField: string): Command {
  return recordCommand(records, {
    name: 'revoke-grants',
    summary,
    method: 'POST',
    action: '/revoke-grants',
    show: (result) => `revoked ${result.revoked_grants} grant(s) of ${result[idField]}\n${result.note}`,
  });
}
