import { adminOptions, adminOptionsHelp, connectAdminApi } from './admin-api.ts';
import type { Command } from './command.ts';
import { formatTable } from './output.ts';

/**
 * The read commands every admin record group has (`tollgate accounts|clients|resources list|get`):
 * one GET each, so one place decides how they are shaped and printed.
 */
export interface RecordGroup {
  /** The CLI word, e.g. `clients`. */
  group: string;
  /** The admin API collection, e.g. `/clients`; its list body holds the records under the same word. */
  collection: string;
  /** The positional naming one record, e.g. `client-id`. */
  positional: string;
  /** A record's admin API path. */
  path(id: string): string;
}

export function listCommand(records: RecordGroup, summary: string, columns: string[]): Command {
  return {
    name: 'list',
    summary,
    options: { ...adminOptions },
    help: `usage: tollgate ${records.group} list [--json]\n\n${adminOptionsHelp}`,
    async run(context) {
      const body = await connectAdminApi(context).call('GET', records.collection);
      const list = body[records.collection.slice(1)] as Array<Record<string, unknown>>;
      context.out.result(list, () => formatTable(list, columns));
    },
  };
}

export function getCommand(records: RecordGroup, summary: string, show: (record: Record<string, unknown>) => string): Command {
  return {
    name: 'get',
    summary,
    positionals: [records.positional],
    options: { ...adminOptions },
    help: `usage: tollgate ${records.group} get <${records.positional}> [--json]\n\n${adminOptionsHelp}`,
    async run(context) {
      const record = await connectAdminApi(context).call('GET', records.path(context.positionals[0] as string));
      context.out.result(record, () => show(record));
    },
  };
}
