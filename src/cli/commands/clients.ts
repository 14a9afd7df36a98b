import { adminOptions, adminOptionsHelp, connectAdminApi } from '../admin-api.ts';
import { getCommand, recordCommand, revokeGrantsCommand, type RecordGroup } from '../admin-record-commands.ts';
import { listFilterHelp, listFilterOptions, listFilters } from '../list-filters.ts';
import type { Command, CommandGroup } from '../command.ts';
import { clearableOption, defined, federatedOption, jsonFileOption, listOption, maxPriorityOption, secondsOption, stringOption } from '../option-values.ts';
import { formatFields, formatTable } from '../output.ts';

const path = (id: string) => `/clients/${encodeURIComponent(id)}`;
const records: RecordGroup = { group: 'clients', positional: 'client-id', path };

const fieldOptions = {
  name: { type: 'string' },
  description: { type: 'string' },
  grant: { type: 'string', multiple: true },
  scope: { type: 'string', multiple: true },
  resource: { type: 'string', multiple: true },
  'default-resource': { type: 'string' },
  serves: { type: 'string', multiple: true },
  'max-priority': { type: 'string' },
  'jwks-file': { type: 'string' },
  'device-code-ttl': { type: 'string' },
  federated: { type: 'string', multiple: true },
} as const;

const fieldHelp = `  --name TEXT               display name (shown on the device-login pages)
  --description TEXT
  --grant GRANT             client_credentials, device_code, refresh_token,
                            token-exchange, jwt-bearer (repeatable)
  --scope SCOPE             scopes it may ask for (repeatable, or comma-separated)
  --resource URI            resource servers it may get tokens for (repeatable)
  --default-resource URI    used when a token request names none ("none" clears)
  --serves URI              resource servers this client is, whose tokens it may exchange
                            (token-exchange grant; repeatable)
  --max-priority MAP        queue=priority,... or JSON ("none" clears)
  --jwks-file FILE          public keys, for private_key_jwt
  --device-code-ttl SECONDS lifetime of its device codes, 60-3600 ("none": the server's)
  --federated IDENTITY      a platform identity for the jwt-bearer grant (repeatable; "none" removes all):
                            issuer=URL,subject=SUB[,audience=AUD][,claim.NAME=VALUE...]
                            e.g. issuer=https://token.actions.githubusercontent.com,
                                 subject=repo:org/repo:ref:refs/heads/main,claim.environment=prod`;

function fields(values: Parameters<Command['run']>[0]['values']) {
  const grants = listOption(values, 'grant');
  return defined({
    name: stringOption(values, 'name'),
    description: stringOption(values, 'description'),
    grant_types: grants,
    scopes: listOption(values, 'scope'),
    resources: listOption(values, 'resource'),
    default_resource: clearableOption(values, 'default-resource'),
    serves: listOption(values, 'serves'),
    max_priority: maxPriorityOption(values),
    jwks: jsonFileOption(values, 'jwks-file'),
    device_code_ttl: secondsOption(values, 'device-code-ttl'),
    federated_identities: federatedOption(values),
  });
}

function showClient(client: Record<string, unknown>): string {
  const { client_secret: secret, ...rest } = client;
  const text = formatFields(rest);
  return secret ? `${text}\n\nclient_secret: ${secret}\n(shown this once: store it now; tollgate keeps only a hash)` : text;
}

const create: Command = {
  name: 'create',
  summary: 'create a client; prints its secret once',
  positionals: ['client-id?'],
  options: { ...adminOptions, ...fieldOptions, 'auth-method': { type: 'string' }, disabled: { type: 'boolean' } },
  help: `usage: tollgate clients create [client-id] [options]

Creates a client. A confidential client gets a generated 256-bit secret, printed once.
  --auth-method METHOD      client_secret_basic (default), client_secret_post,
                            private_key_jwt, or none (no secret: device-flow clients, and
                            jwt-bearer clients that prove themselves with a platform token)
${fieldHelp}
  --disabled                create it disabled

${adminOptionsHelp}`,
  async run(context) {
    const { values, positionals, out } = context;
    const body = defined({
      client_id: positionals[0],
      ...fields(values),
      token_endpoint_auth_method: stringOption(values, 'auth-method'),
      disabled: values.disabled === true ? true : undefined,
    });
    if (body.default_resource === null) delete body.default_resource;
    if (body.max_priority === null) delete body.max_priority;
    if (body.device_code_ttl === null) delete body.device_code_ttl;
    const client = await connectAdminApi(context).call('POST', '/clients', body);
    out.result(client, () => showClient(client));
  },
};

const list: Command = {
  name: 'list',
  summary: 'list clients',
  options: { ...adminOptions, ...listFilterOptions, resource: { type: 'string' } },
  help: `usage: tollgate clients list [--search TEXT] [--disabled|--enabled] [--resource URI] [--json]\n\n${listFilterHelp}\n  --resource URI            only clients allowed this resource\n\n${adminOptionsHelp}`,
  async run(context) {
    const clients = await connectAdminApi(context).list('/clients', 'clients', {
      ...listFilters(context.values),
      resource: stringOption(context.values, 'resource'),
    });
    context.out.result(clients, () => formatTable(clients, ['client_id', 'name', 'token_endpoint_auth_method', 'grant_types', 'disabled', 'last_used_at']));
  },
};

const get = getCommand(records, 'show a client', showClient);

const update = recordCommand(records, {
  name: 'update',
  summary: 'change a client (scopes, resources, max_priority, disable, ...)',
  options: { ...fieldOptions, disable: { type: 'boolean' }, enable: { type: 'boolean' } },
  usage: ' [options]',
  details: `Changes only what is given.
${fieldHelp}
  --disable | --enable      a disabled client gets no tokens and its refresh tokens stop`,
  method: 'PATCH',
  body: (values) => ({ ...fields(values), ...(values.disable ? { disabled: true } : values.enable ? { disabled: false } : {}) }),
  show: showClient,
});

const remove = recordCommand(records, {
  name: 'delete',
  summary: 'delete a client and revoke its grants',
  details: `Revokes every grant of the client (its refresh tokens stop at once) and deletes it. JWT access
tokens it already holds stay valid until they expire.`,
  method: 'DELETE',
  show: (result) => `deleted client ${result.client_id} (${result.revoked_grants} grant(s) revoked)`,
});

const rotateSecret = recordCommand(records, {
  name: 'rotate-secret',
  summary: 'give a client a new secret, optionally keeping the old one for a while',
  options: { overlap: { type: 'string' } },
  usage: ' [--overlap SECONDS]',
  details: `Generates a new secret (printed once). With --overlap the old secret keeps working that many
seconds (at most 30 days), so the service can be redeployed without failed requests.`,
  method: 'POST',
  action: '/rotate-secret',
  body(values) {
    const overlap = stringOption(values, 'overlap');
    return overlap === undefined ? {} : { overlap_seconds: Number(overlap) };
  },
  show: showClient,
});

const revokeGrants = revokeGrantsCommand(records, 'end every device login made through a client', 'client_id');

const registrationToken: Command = {
  name: 'registration-token',
  summary: 'issue an initial access token for dynamic registration (RFC 7591)',
  options: {
    ...adminOptions,
    resource: { type: 'string', multiple: true },
    scope: { type: 'string', multiple: true },
    grant: { type: 'string', multiple: true },
    'default-resource': { type: 'string' },
    'max-priority': { type: 'string' },
    'expires-in': { type: 'string' },
    'single-use': { type: 'boolean' },
  },
  help: `usage: tollgate clients registration-token --resource URI [options]

Issues a bearer token a service presents to POST /reg to register itself. Whatever it
registers gets exactly these terms:
  --resource URI            resource servers (repeatable; required)
  --scope SCOPE             scopes (default: every scope of those resources)
  --grant GRANT             allowed grant types (default client_credentials)
  --default-resource URI
  --max-priority MAP        queue=priority,... or JSON
  --expires-in SECONDS      lifetime of the token (default 86400, at most 30 days)
  --single-use              spent by the first registration

${adminOptionsHelp}`,
  async run(context) {
    const { values, out } = context;
    const expiresIn = stringOption(values, 'expires-in');
    const grants = listOption(values, 'grant');
    const result = await connectAdminApi(context).call(
      'POST',
      '/initial-access-tokens',
      defined({
        resources: listOption(values, 'resource') ?? [],
        scopes: listOption(values, 'scope'),
        grant_types: grants,
        default_resource: stringOption(values, 'default-resource'),
        max_priority: maxPriorityOption(values) ?? undefined,
        expires_in: expiresIn === undefined ? undefined : Number(expiresIn),
        single_use: values['single-use'] === true ? true : undefined,
      }),
    );
    out.result(
      result,
      () =>
        `${formatFields(result)}\n\nRegister with: curl -H "Authorization: Bearer <initial_access_token>" -H "content-type: application/json" \\\n  -d '{"client_name":"my-service","grant_types":["client_credentials"]}' ${result.registration_endpoint}`,
    );
  },
};

const registrationTokens: Command = {
  name: 'registration-tokens',
  summary: 'list unexpired registration (initial access) tokens and their terms',
  options: { ...adminOptions },
  help: `usage: tollgate clients registration-tokens [--json]\n\nShows each token's id and terms, never the token itself.\n\n${adminOptionsHelp}`,
  async run(context) {
    const tokens = await connectAdminApi(context).list('/initial-access-tokens', 'initial_access_tokens');
    context.out.result(tokens, () => formatTable(tokens, ['id', 'resources', 'scopes', 'grant_types', 'single_use', 'expires_at']));
  },
};

const revokeRegistrationToken: Command = {
  name: 'revoke-registration-token',
  summary: 'revoke a registration (initial access) token by its id',
  positionals: ['id'],
  options: { ...adminOptions },
  help: `usage: tollgate clients revoke-registration-token <id> [--json]\n\nThe id is the one \`registration-tokens\` lists. Clients it already registered stay.\n\n${adminOptionsHelp}`,
  async run(context) {
    const result = await connectAdminApi(context).call('DELETE', `/initial-access-tokens/${encodeURIComponent(context.positionals[0] as string)}`);
    context.out.result(result, () => `revoked registration token ${String(result.id)}`);
  },
};

export const clientsGroup: CommandGroup = {
  name: 'clients',
  summary: 'create, list, get, update, delete clients; rotate secrets; registration tokens',
  commands: [create, list, get, update, remove, rotateSecret, revokeGrants, registrationToken, registrationTokens, revokeRegistrationToken],
};
