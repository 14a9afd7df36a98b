import { adminOptions, adminOptionsHelp, connectAdminApi } from '../admin-api.ts';
import { getCommand, recordCommand, type RecordGroup } from '../admin-record-commands.ts';
import type { Command, CommandGroup, Values } from '../command.ts';
import { AppError } from '../../errors.ts';
import { defined, listOption, maxPriorityOption, stringOption } from '../option-values.ts';
import { formatFields, formatTable } from '../output.ts';

const path = (identifier: string) => `/resources/${encodeURIComponent(identifier)}`;
const records: RecordGroup = { group: 'resources', positional: 'identifier', path };

const fieldOptions = {
  name: { type: 'string' },
  scope: { type: 'string', multiple: true },
  ttl: { type: 'string' },
  alg: { type: 'string' },
  maintainer: { type: 'string', multiple: true },
  'maintainer-group': { type: 'string', multiple: true },
  'self-service': { type: 'string' },
  'self-service-scope': { type: 'string', multiple: true },
  'self-service-max-priority': { type: 'string' },
  'max-lifetime-days': { type: 'string' },
  'publisher-issuer': { type: 'string', multiple: true },
} as const;

const fieldHelp = `  --name TEXT
  --scope SCOPE             the scopes this API defines (repeatable, or comma-separated)
  --ttl SECONDS             access-token lifetime for this API ("none": the server default)
  --alg ALG                 ES256 (default), RS256 or EdDSA; a key of that type must be configured

Self-service (docs/team-tokens.md): maintainers manage the API's resource tokens themselves.
  --maintainer ACCOUNT      an account that maintains it (repeatable; "none" removes every maintainer)
  --maintainer-group UPSTREAM/GROUP
                            members of an upstream group maintain it (repeatable); given with
                            --maintainer or alone, the list replaces the one stored
  --self-service on|off     whether maintainers may manage resource tokens and trusted publishers
  --self-service-scope SCOPE
                            scopes a resource token may carry (repeatable; "all": every scope of the API)
  --self-service-max-priority MAP
                            highest max_priority a resource token may carry: queue=priority,... ("none": no priority)
  --max-lifetime-days DAYS  longest a resource token may live (default 365)
  --publisher-issuer URL    a trusted issuer whose CI identities maintainers may bind (repeatable;
                            "none": no trusted publishers)`;

function fields(values: Values) {
  const ttl = stringOption(values, 'ttl');
  return defined({
    name: stringOption(values, 'name'),
    scopes: listOption(values, 'scope'),
    access_token_ttl: ttl === undefined ? undefined : ttl === 'none' ? null : Number(ttl),
    signing_alg: stringOption(values, 'alg'),
    maintainers: maintainersOption(values),
    self_service: onOffOption(values, 'self-service'),
    self_service_scopes: listOrWord(values, 'self-service-scope', 'all', null),
    self_service_max_priority: maxPriorityOption(values, 'self-service-max-priority'),
    self_service_max_lifetime_days: wholeNumber(values, 'max-lifetime-days'),
    trusted_publisher_issuers: listOrWord(values, 'publisher-issuer', 'none', []),
  });
}

function maintainersOption(values: Values): Record<string, unknown> | null | undefined {
  const accounts = listOption(values, 'maintainer');
  const groups = listOption(values, 'maintainer-group');
  if (accounts === undefined && groups === undefined) return undefined;
  if (accounts?.length === 1 && accounts[0] === 'none' && groups === undefined) return null;
  return {
    accounts: accounts ?? [],
    groups: (groups ?? []).map((text) => {
      const slash = text.indexOf('/');
      if (slash <= 0 || slash === text.length - 1) throw new AppError('usage', `--maintainer-group: "${text}" is not UPSTREAM/GROUP`);
      return { upstream: text.slice(0, slash), group: text.slice(slash + 1) };
    }),
  };
}

function onOffOption(values: Values, name: string): boolean | undefined {
  const text = stringOption(values, name);
  if (text === undefined) return undefined;
  if (text !== 'on' && text !== 'off') throw new AppError('usage', `--${name}: expected on or off, got "${text}"`);
  return text === 'on';
}

function listOrWord<T>(values: Values, name: string, word: string, meaning: T): string[] | T | undefined {
  const list = listOption(values, name);
  return list?.length === 1 && list[0] === word ? meaning : list;
}

function wholeNumber(values: Values, name: string): number | undefined {
  const text = stringOption(values, name);
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new AppError('usage', `--${name}: expected a whole number, got "${text}"`);
  return Number(text);
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
    for (const key of ['access_token_ttl', 'maintainers', 'self_service_scopes', 'self_service_max_priority']) if (body[key] === null) delete body[key];
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
