import type { DemoCredentials } from './ensure-demo.ts';

/** What a newcomer needs to try tollgate: demo credentials and two commands, for the terminal only (never the log). */
export function demoBanner(issuer: string, demo: DemoCredentials): string {
  return (
    [
      '',
      `  tollgate is running at ${issuer}  (demo mode: TOLLGATE_DEMO=true)`,
      `  demo service client:  ${demo.clientId} / ${demo.clientSecret}`,
      `  demo device client:   ${demo.deviceClientId} (public)`,
      `  demo account:         ${demo.username} / ${demo.password}`,
      ...(demo.adminClientId
        ? [
            `  demo admin client:    ${demo.adminClientId} / ${demo.adminClientSecret}  (TOLLGATE_ADMIN_CLIENT_ID / TOLLGATE_ADMIN_CLIENT_SECRET for the tollgate CLI)`,
          ]
        : []),
      '',
      `  curl -s -u ${demo.clientId}:${demo.clientSecret} -d grant_type=client_credentials ${issuer}/token`,
      `  curl -s -d client_id=${demo.deviceClientId} ${issuer}/device/auth    # device login, then open ${issuer}/device`,
      '',
    ].join('\n') + '\n'
  );
}
