import test from 'ava';

import { responseError } from '../../src/cli/http.ts';
import type { AppErrorCode } from '../../src/errors.ts';

const answer = (status: number, body: Record<string, unknown> = {}) => responseError({ status, body }, 'GET /admin/clients');

test('an error answer becomes the AppError whose status it carries, with that code exit code', (t) => {
  const expected: Array<[number, AppErrorCode, number]> = [
    [400, 'invalid_field', 2],
    [401, 'unauthorized', 3],
    [403, 'forbidden', 3],
    [404, 'not_found', 4],
    [409, 'conflict', 5],
    [429, 'too_many_requests', 6],
    [503, 'unreachable', 6],
  ];
  for (const [status, code, exitCode] of expected) {
    const error = answer(status);
    t.is(error.code, code, `HTTP ${status}`);
    t.is(error.exitCode, exitCode, `HTTP ${status}`);
  }
});

test('422 reads as invalid input and any other status as an unexpected error', (t) => {
  t.is(answer(422).code, 'invalid_field');
  for (const status of [405, 500, 502]) t.is(answer(status).code, 'internal', `HTTP ${status}`);
});

test('the message names the request and the server error, and the field at fault is kept', (t) => {
  const error = answer(400, { error: 'invalid_field', error_description: 'name: too long', field: 'name' });
  t.is(error.message, 'GET /admin/clients: invalid_field: name: too long');
  t.is(error.field, 'name');
  t.true(error.expose, 'even a 5xx answer is shown as the server said it');
  t.is(answer(500).message, 'GET /admin/clients: HTTP 500');
  t.true(answer(500).expose);
});
