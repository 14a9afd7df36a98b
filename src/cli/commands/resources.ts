import { adminOptions, adminOptionsHelp, connectAdminApi } from '../admin-api.ts';
import { getCommand, recordCommand, type RecordGroup } from '../admin-record-commands.ts';
import type { Command, CommandGroup, Values } from '../command.ts';
import { defined, listOption, stringOption } from '../option-values.ts';
import { formatFields, formatTable } from '../output.ts';

const path = (identifier: string) => `/resources/${encodeURIComponent(identifier)}`;
const records: RecordGroup = { group: 'resources', positional: 'identifier', path };

const fieldOptions = {
  name: { type: 'string' },
  scope: { type: 'string', multiple: true },
  ttl: { type: 'string' },
  alg: { type: 'string' },
} as const;

const fieldHelp = `  --name TEXT
  --scope SCOPE             the scopes this API defines (repeatable, or comma-separated)
  --ttl SECONDS             access-token lifetime for this API ("none": the server default)
  --alg ALG                 ES256 (default), RS256 or EdDSA; a key of that type must be configured`;

function fields(values: Values) {
  const ttl = stringOption(values, 'ttl');
  return defined({
    name: stringOption(values, 'name'),
    scopes: listOption(values, 'scope'),
    access_token_ttl: ttl === undefined ? undefined : ttl === 'none' ? null : Number(ttl),
    signing_alg: stringOption(values, 'alg'),
  });
}

const create: Command = {
  name: 'create',
  summary: 'register a resource server (an API; its identifier is the token aud)',
  positionals: ['identifier'],
  options: { ...adminOptions, ...fieldOptions },
  help: `usage: tollgate resources create <identifier> [options]

The identifier is an absolute URI (RFC 8707), e.g. https://inventory.example.com.
${fieldHelp}

${adminOptionsHelp}`,
  async run(context) {
    const body: Record<string, unknown> = { identifier: context.positionals[0], ...fields(context.values) };
    if (body.access_token_ttl === null) delete body.access_token_ttl;
    const resource = await connectAdminApi(context).call('POST', '/resources', body);
    context.out.result(resource, () => formatFields(resource));
  },
};

const list: Command = {
  name: 'list',
  summary: 'list resource servers',
  options: { ...adminOptions, search: { type: 'string' } },
  help: `usage: tollgate resources list [--search TEXT] [--json]\n\n  --search TEXT             only those whose identifier or name contains TEXT (any case)\n\n${adminOptionsHelp}`,
  async run(context) {
    const resources = await connectAdminApi(context).list('/resources', 'resources', { q: context.values.search as string | undefined });
    context.out.result(resources, () => formatTable(resources, ['identifier', 'name', 'scopes', 'access_token_ttl', 'signing_alg']));
  },
};

const get = getCommand(records, 'show a resource server', formatFields);

const update = recordCommand(records, {
  name: 'update',
  summary: 'change a resource server',
  options: fieldOptions,
  usage: ' [options]',
  details: fieldHelp,
  method: 'PATCH',
  body: fields,
  show: formatFields,
});

const remove = recordCommand(records, {
  name: 'delete',
  summary: 'delete a resource server no client uses any more',
  method: 'DELETE',
  show: (result) => `deleted resource server ${result.identifier}`,
});

export const resourcesGroup: CommandGroup = {
  name: 'resources',
  summary: 'create, list, get, update, delete resource servers',
  commands: [create, list, get, update, remove],
};
