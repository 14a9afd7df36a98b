import { adminOptions, adminOptionsHelp, connectAdminApi } from '../admin-api.ts';
import type { Command, CommandGroup } from '../command.ts';
import { formatTable } from '../output.ts';

const list: Command = {
  name: 'list',
  summary: 'list the identity providers people can sign in through (never their secrets)',
  options: { ...adminOptions },
  help: `usage: tollgate upstreams list [--json]

Upstreams are configured in the config file (see docs/sign-in-through-your-idp.md);
redirect_uri is what to register at each of them.

${adminOptionsHelp}`,
  async run(context) {
    const { upstreams } = (await connectAdminApi(context).call('GET', '/upstreams')) as { upstreams: Array<Record<string, unknown>> };
    context.out.result(upstreams, () => formatTable(upstreams, ['id', 'name', 'type', 'provisioning', 'redirect_uri']));
  },
};

export const upstreamsGroup: CommandGroup = {
  name: 'upstreams',
  summary: 'list the configured identity providers',
  commands: [list],
};
