import { AppError } from '../../errors.ts';
import type { Command } from '../command.ts';
import { readResourceToken, resourceTokenAccessToken, resourceTokenHelp, resourceTokenOptions } from '../user/resource-token-grant.ts';
import { stringOption } from '../option-values.ts';
import { freshSession } from '../user/fresh-session.ts';

export const tokenCommand: Command = {
  name: 'token',
  summary: 'print a valid access token, refreshing it when needed',
  options: { issuer: { type: 'string' }, 'client-id': { type: 'string' }, 'min-valid': { type: 'string' }, ...resourceTokenOptions },
  help: `usage: tollgate token [--issuer URL] [--client-id ID] [--min-valid SECONDS] [--json]
       tollgate token --resource-token-env NAME | --resource-token-file PATH [--issuer URL] [--scope SCOPES] [--json]

Prints an access token of your last login (or the one named), fit for
  curl -H "Authorization: Bearer $(tollgate token)" ...
It is refreshed when it has less than --min-valid seconds left (default 60); the refresh
token rotates each time. Several "tollgate token" at once take turns on a lock file, so they
never spend the same refresh token twice (which the server would treat as theft).

${resourceTokenHelp}`,
  async run({ values, env, out }) {
    const resourceToken = await readResourceToken({ values, env });
    if (resourceToken) {
      const body = await resourceTokenAccessToken({ values, env }, resourceToken);
      out.result(body, () => String(body.access_token));
      return;
    }
    const minValid = Number(stringOption(values, 'min-valid') ?? 60);
    if (!Number.isFinite(minValid) || minValid < 0) throw new AppError('usage', '--min-valid must be a number of seconds');
    const session = await freshSession(env, stringOption(values, 'issuer'), stringOption(values, 'client-id'), minValid);
    out.result(
      {
        access_token: session.accessToken,
        token_type: 'Bearer',
        expires_at: new Date((session.accessTokenExpiresAt ?? 0) * 1000).toISOString(),
        scope: session.scope ?? null,
        issuer: session.issuer,
        client_id: session.clientId,
      },
      () => session.accessToken as string,
    );
  },
};
