import test from 'ava';

import { readExchangeRequest, tokenTypes } from '../../src/token-exchange/exchange-request.ts';

const base = { subject_token: 'token', subject_token_type: tokenTypes.accessToken };

test('reads the subject token and the one target from resource or audience', (t) => {
  t.deepEqual(readExchangeRequest({ ...base, resource: 'urn:b' }), { subjectToken: 'token', target: 'urn:b' });
  t.deepEqual(readExchangeRequest({ ...base, audience: 'urn:b' }), { subjectToken: 'token', target: 'urn:b' });
  t.deepEqual(readExchangeRequest({ ...base, resource: 'urn:b', audience: ['urn:b'] }), { subjectToken: 'token', target: 'urn:b' });
  t.deepEqual(readExchangeRequest({ ...base, subject_token_type: tokenTypes.jwt }), { subjectToken: 'token', target: undefined });
});

const refused: [string, Record<string, unknown>, string][] = [
  ['no subject_token', { subject_token_type: tokenTypes.accessToken }, 'invalid_request'],
  ['no subject_token_type', { subject_token: 'token' }, 'invalid_request'],
  ['a refresh token type', { ...base, subject_token_type: 'urn:ietf:params:oauth:token-type:refresh_token' }, 'invalid_request'],
  ['an id_token requested', { ...base, requested_token_type: 'urn:ietf:params:oauth:token-type:id_token' }, 'invalid_request'],
  ['an actor token', { ...base, actor_token: 'x', actor_token_type: tokenTypes.accessToken }, 'invalid_request'],
  ['two targets', { ...base, resource: ['urn:b', 'urn:c'] }, 'invalid_target'],
  ['resource and audience disagreeing', { ...base, resource: 'urn:b', audience: 'urn:c' }, 'invalid_target'],
  ['subject_token twice', { ...base, subject_token: ['a', 'b'] }, 'invalid_request'],
];
for (const [what, params, error] of refused) {
  test(`${what} is ${error}`, (t) => {
    const thrown = t.throws(() => readExchangeRequest(params)) as Error & { error: string; status: number };
    t.is(thrown.error, error);
    t.is(thrown.status, 400);
  });
}
