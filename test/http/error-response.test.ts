import test from 'ava';

import { AppError, appErrorCodes, codeForStatus } from '../../src/errors.ts';
import { errorResponse } from '../../src/http/error-response.ts';
import { StorageUnavailableError } from '../../src/storage/storage-unavailable.ts';

test('an exposed AppError is rendered with its code, message, field and headers', (t) => {
  const response = errorResponse(new AppError('method_not_allowed', 'PUT is not allowed on /clients', { field: 'method', headers: { allow: 'GET, POST' } }));
  t.deepEqual(response, {
    status: 405,
    headers: { allow: 'GET, POST' },
    body: { error: 'method_not_allowed', error_description: 'PUT is not allowed on /clients', field: 'method' },
    unexpected: false,
  });
});

test('an unexposed AppError or any other error is a bare 500 that says nothing of its cause', (t) => {
  for (const error of [new AppError('internal', 'redis at 10.0.0.5 said no'), new Error('secret detail'), 'a string']) {
    const response = errorResponse(error);
    t.is(response.status, 500);
    t.deepEqual(response.body, { error: 'server_error', error_description: 'internal error' });
    t.true(response.unexpected);
  }
});

test('a storage outage is 503 temporarily_unavailable with Retry-After', (t) => {
  const response = errorResponse(new StorageUnavailableError(new Error('ECONNREFUSED 10.0.0.5:6379')));
  t.is(response.status, 503);
  t.is(response.headers['retry-after'], '1');
  t.is(response.body.error, 'temporarily_unavailable');
  t.false(JSON.stringify(response.body).includes('10.0.0.5'));
});

test('expose defaults to 4xx and 503 and can be set either way', (t) => {
  t.true(new AppError('conflict', 'x').expose);
  t.true(new AppError('unreachable', 'x').expose);
  t.false(new AppError('internal', 'x').expose);
  t.true(new AppError('internal', 'the server answered 500', { expose: true }).expose);
  t.false(new AppError('not_found', 'x', { expose: false }).expose);
});

test('every code has one HTTP status and one exit code, shared by the server and the CLI', (t) => {
  t.is(new AppError('invalid_config', 'x').exitCode, 2);
  t.is(new AppError('cannot_listen', 'x').exitCode, 1);
  t.is(new AppError('unreachable', 'x').exitCode, 6);
  for (const [code, { status, exitCode }] of Object.entries(appErrorCodes)) {
    t.true(status >= 400 && status < 600, code);
    t.true(exitCode >= 1 && exitCode <= 6, code);
  }
});

test('a status read by a client maps back to the code the server raised for it', (t) => {
  for (const code of ['invalid_field', 'unauthorized', 'forbidden', 'not_found', 'conflict', 'too_many_requests', 'unreachable'] as const) {
    t.is(codeForStatus(appErrorCodes[code].status), code);
  }
  t.is(codeForStatus(422), 'invalid_field');
  t.is(codeForStatus(405), 'internal', 'only the server raises method_not_allowed');
  t.is(codeForStatus(500), 'internal');
  t.is(codeForStatus(502), 'internal');
});
