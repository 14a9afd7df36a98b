import { adminOptions, adminOptionsHelp, connectAdminApi } from './admin-api.ts';
import type { Command } from './command.ts';

/**
 * An admin record group of the CLI (`tollgate accounts|clients|resources`). Their `get` commands
 * are one GET each, so one place decides how they are shaped and printed.
 */
export interface RecordGroup {
  /** The CLI word, e.g. `clients`. */
  group: string;
  /** The positional naming one record, e.g. `client-id`. */
  positional: string;
  /** A record's admin API path. */
  path(id: string): string;
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
