import test from 'ava';

import { deviceCodeTtlMetadata } from '../../src/clients/provider-metadata.ts';
import { createTokenLifetimes } from '../../src/provider/token-lifetimes.ts';

const ttl = { accessToken: 600, deviceCode: 900, refreshToken: 86_400, refreshTokenAbsolute: 30 * 86_400, interaction: 300, devicePollInterval: 5 };
// A fixed clock, so that no second ticks between computing a lifetime and checking it.
const clockMs = Date.parse('2026-12-07T12:00:00Z');
const lifetimes = createTokenLifetimes(ttl as never, { now: () => clockMs }) as Record<string, unknown>;
const now = () => clockMs / 1000;
type TtlFunction = (ctx: unknown, token: Record<string, unknown>) => number;

test('an access token lives as long as its resource server says, or the configured default', (t) => {
  const accessToken = lifetimes.AccessToken as TtlFunction;
  t.is(accessToken({}, { resourceServer: { accessTokenTTL: 120 } }), 120);
  t.is(accessToken({}, {}), 600);
  t.is((lifetimes.ClientCredentials as TtlFunction)({}, { resourceServer: { accessTokenTTL: 60 } }), 60);
});

test('a refresh token slides by ttl.refreshToken but never past the absolute lifetime from the first login', (t) => {
  const refreshToken = lifetimes.RefreshToken as TtlFunction;
  t.is(refreshToken({}, { iat: now() }), 86_400, 'a fresh login gets the sliding lifetime');
  const nearTheEnd = now() - 30 * 86_400 + 3600;
  t.is(refreshToken({}, { iiat: nearTheEnd, iat: now() }), 3600, 'iiat (the first login) bounds a rotated token');
  t.is(refreshToken({}, {}), 86_400, 'a token without iat starts now');
  t.is(refreshToken({}, { iiat: now() - 31 * 86_400 }), 1, 'never zero or negative');
});

test('device codes live as configured, or as long as their client says', (t) => {
  const deviceCode = lifetimes.DeviceCode as (ctx: unknown, token: unknown, client: unknown) => number;
  t.is(deviceCode({}, {}, {}), 900);
  t.is(deviceCode({}, {}, { [deviceCodeTtlMetadata]: 120 }), 120);
});

test('grants and sign-in sessions use their configured lifetimes', (t) => {
  t.is(lifetimes.Grant, 30 * 86_400);
  t.is(lifetimes.Interaction, 300);
  t.is(lifetimes.Session, 300);
});
