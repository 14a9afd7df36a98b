import { adminOptions, adminOptionsHelp, connectAdminApi } from '../admin-api.ts';
import type { Command, CommandGroup } from '../command.ts';
import { formatTable } from '../output.ts';

const list: Command = {
  name: 'list',
  summary: 'list the platforms whose tokens clients may present (jwt-bearer)',
  options: { ...adminOptions },
  help: `usage: tollgate trusted-issuers list [--json]

Trusted issuers are declared in the configuration (federation.trustedIssuers) or the seed
(trustedIssuers); this shows them and where their keys come from.

${adminOptionsHelp}`,
  async run(context) {
    const { trusted_issuers: issuers } = (await connectAdminApi(context).call('GET', '/trusted-issuers')) as {
      trusted_issuers: Array<Record<string, unknown>>;
    };
    context.out.result(issuers, () => formatTable(issuers, ['issuer', 'keys', 'jwks_uri', 'declared_in']));
  },
};

export const trustedIssuersGroup: CommandGroup = {
  name: 'trusted-issuers',
  summary: 'list trusted token issuers (Kubernetes, GitHub Actions)',
  commands: [list],
};
