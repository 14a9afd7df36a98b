import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestFn } from 'ava';
import { errors } from 'oidc-provider';

import type { ModelPayload, Storage } from '../../src/storage/storage.ts';

/**
 * What every Storage must do, registered as ava tests for one implementation. The Redis and
 * memory storages run the same list (test/storage/*-storage.test.ts), so the development
 * default cannot drift from production. Ids are random: tests of one file run concurrently.
 */
export function storageContract(test: TestFn, storage: () => Storage) {
  const id = () => randomUUID();
  const isInvalidGrant = (reason: unknown) => reason instanceof errors.InvalidGrant && reason.error === 'invalid_grant';

  test('upsert stores a payload that find returns; find of an unknown id is undefined', async (t) => {
    const tokens = storage().modelAdapter('AccessToken');
    const tokenId = id();
    const payload: ModelPayload = { jti: tokenId, kind: 'AccessToken', clientId: 'svc', accountId: 'alice', scope: 'a b', extra: { nested: [1, 2] } };
    await tokens.upsert(tokenId, payload, 60);
    t.deepEqual(await tokens.find(tokenId), payload);
    t.is(await tokens.find(id()), undefined);
  });

  test('upsert of an existing id replaces its payload', async (t) => {
    const sessions = storage().modelAdapter('Session');
    const sessionId = id();
    await sessions.upsert(sessionId, { jti: sessionId, kind: 'Session', accountId: 'alice' }, 60);
    await sessions.upsert(sessionId, { jti: sessionId, kind: 'Session', accountId: 'bob' }, 60);
    t.is((await sessions.find(sessionId))?.accountId, 'bob');
  });

  test('a model is gone once its expiresIn has passed, and so are its uid and user-code indexes', async (t) => {
    const devices = storage().modelAdapter('DeviceCode');
    const sessions = storage().modelAdapter('Session');
    const deviceId = id();
    const sessionId = id();
    const userCode = `EXPIRE${id().slice(0, 8)}`;
    const uid = id();
    // 3 s: long enough for the three reads below on a loaded machine, short enough to wait out.
    await devices.upsert(deviceId, { jti: deviceId, kind: 'DeviceCode', userCode, grantId: id() }, 3);
    await sessions.upsert(sessionId, { jti: sessionId, kind: 'Session', uid }, 3);
    t.truthy(await devices.find(deviceId));
    t.truthy(await devices.findByUserCode(userCode));
    t.truthy(await sessions.findByUid(uid));
    await sleep(3300);
    t.is(await devices.find(deviceId), undefined);
    t.is(await devices.findByUserCode(userCode), undefined);
    t.is(await sessions.findByUid(uid), undefined);
  });

  test('findByUid finds a session by its uid', async (t) => {
    const sessions = storage().modelAdapter('Session');
    const sessionId = id();
    const uid = id();
    await sessions.upsert(sessionId, { jti: sessionId, kind: 'Session', uid, accountId: 'alice' }, 60);
    t.is((await sessions.findByUid(uid))?.jti, sessionId);
    t.is(await sessions.findByUid(id()), undefined);
  });

  test('findByUserCode finds a device code by its user code', async (t) => {
    const devices = storage().modelAdapter('DeviceCode');
    const deviceId = id();
    const userCode = `BCDF${id().slice(0, 8)}`;
    await devices.upsert(deviceId, { jti: deviceId, kind: 'DeviceCode', userCode, grantId: id(), clientId: 'cli' }, 60);
    t.is((await devices.findByUserCode(userCode))?.jti, deviceId);
    t.is(await devices.findByUserCode('NOPE-NOPE'), undefined);
  });

  test('destroy removes one model', async (t) => {
    const tokens = storage().modelAdapter('AccessToken');
    const [kept, destroyed] = [id(), id()];
    await tokens.upsert(kept, { jti: kept, kind: 'AccessToken' }, 60);
    await tokens.upsert(destroyed, { jti: destroyed, kind: 'AccessToken' }, 60);
    await tokens.destroy(destroyed);
    t.is(await tokens.find(destroyed), undefined);
    t.truthy(await tokens.find(kept));
  });

  test('revokeByGrantId removes every model of that grant and nothing else', async (t) => {
    const [revoked, other] = [id(), id()];
    const models = ['AccessToken', 'RefreshToken', 'DeviceCode', 'AuthorizationCode', 'ClientCredentials'] as const;
    const stored: Array<{ model: string; id: string; grantId: string }> = [];
    for (const grantId of [revoked, other]) {
      for (const model of models) {
        const modelId = model === 'RefreshToken' ? storage().refreshTokenId({ grantId, accountId: 'alice' }) : id();
        await storage()
          .modelAdapter(model)
          .upsert(modelId, { jti: modelId, kind: model, grantId, userCode: model === 'DeviceCode' ? `U${modelId}` : undefined }, 600);
        stored.push({ model, id: modelId, grantId });
      }
    }
    const sessionId = id();
    await storage().modelAdapter('Session').upsert(sessionId, { jti: sessionId, kind: 'Session', uid: id() }, 600);

    // oidc-provider calls it on one model's adapter; the whole grant must go.
    await storage().modelAdapter('RefreshToken').revokeByGrantId(revoked);

    for (const entry of stored) {
      const found = await storage().modelAdapter(entry.model).find(entry.id);
      if (entry.grantId === revoked) t.is(found, undefined, `${entry.model} of the revoked grant`);
      else t.truthy(found, `${entry.model} of the other grant`);
    }
    t.truthy(await storage().modelAdapter('Session').find(sessionId));
  });

  test('grantStands while the grant record lives unrevoked; not once revoked, destroyed or expired, nor for an unknown id', async (t) => {
    const grants = storage().modelAdapter('Grant');
    const [revoked, destroyed, expiring, standing] = [id(), id(), id(), id()];
    for (const grantId of [revoked, destroyed, standing])
      await grants.upsert(grantId, { jti: grantId, kind: 'Grant', accountId: 'alice', clientId: 'cli' }, 600);
    await grants.upsert(expiring, { jti: expiring, kind: 'Grant', accountId: 'alice', clientId: 'cli' }, 1);
    t.true(await storage().grantStands(revoked));
    t.true(await storage().grantStands(expiring));

    await grants.revokeByGrantId(revoked);
    await grants.destroy(destroyed);
    await sleep(1100);
    t.false(await storage().grantStands(revoked), 'revoked: the record is kept, the mark says so');
    t.false(await storage().grantStands(destroyed));
    t.false(await storage().grantStands(expiring));
    t.false(await storage().grantStands(id()));
    t.true(await storage().grantStands(standing));
  });

  test('consume marks a model consumed once; consuming an unknown id is invalid_grant', async (t) => {
    const refresh = storage().modelAdapter('RefreshToken');
    const grantId = id();
    const tokenId = storage().refreshTokenId({ grantId, accountId: 'alice' });
    await refresh.upsert(tokenId, { jti: tokenId, kind: 'RefreshToken', grantId }, 600);
    t.is((await refresh.find(tokenId))?.consumed, undefined);
    await refresh.consume(tokenId);
    t.is(typeof (await refresh.find(tokenId))?.consumed, 'number');
    await t.throwsAsync(refresh.consume(id()), { instanceOf: errors.InvalidGrant });
  });

  test('20 concurrent consume calls on one refresh token: exactly one succeeds, the rest are invalid_grant, and the grant is revoked', async (t) => {
    const refresh = storage().modelAdapter('RefreshToken');
    const access = storage().modelAdapter('AccessToken');
    const [grantId, otherGrant] = [id(), id()];
    const [tokenId, accessId, otherId] = [
      storage().refreshTokenId({ grantId, accountId: 'alice' }),
      id(),
      storage().refreshTokenId({ grantId: otherGrant, accountId: 'alice' }),
    ];
    await refresh.upsert(tokenId, { jti: tokenId, kind: 'RefreshToken', grantId }, 600);
    await access.upsert(accessId, { jti: accessId, kind: 'AccessToken', grantId }, 600);
    await refresh.upsert(otherId, { jti: otherId, kind: 'RefreshToken', grantId: otherGrant }, 600);

    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, () => refresh.consume(tokenId)));
    const fulfilled = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    const rejected = outcomes.filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    t.is(fulfilled.length, 1);
    t.is(rejected.length, 19);
    t.true(
      rejected.every((outcome) => isInvalidGrant(outcome.reason)),
      String(rejected.find((outcome) => !isInvalidGrant(outcome.reason))?.reason),
    );

    // Reuse detection: the conflict revoked the grant, token and siblings alike.
    t.is(await refresh.find(tokenId), undefined);
    t.is(await access.find(accessId), undefined);
    t.truthy(await refresh.find(otherId), 'another grant is untouched');
  });

  test('a second consume of a consumed device code is invalid_grant and revokes its grant', async (t) => {
    const devices = storage().modelAdapter('DeviceCode');
    const access = storage().modelAdapter('AccessToken');
    const grantId = id();
    const [deviceId, accessId] = [id(), id()];
    await devices.upsert(deviceId, { jti: deviceId, kind: 'DeviceCode', grantId, userCode: `C${deviceId}` }, 600);
    await access.upsert(accessId, { jti: accessId, kind: 'AccessToken', grantId }, 600);
    await devices.consume(deviceId);
    await t.throwsAsync(devices.consume(deviceId), { instanceOf: errors.InvalidGrant });
    t.is(await devices.find(deviceId), undefined);
    t.is(await access.find(accessId), undefined);
  });

  test('a consumed stamp survives a later upsert of the same model', async (t) => {
    const refresh = storage().modelAdapter('RefreshToken');
    const grantId = id();
    const tokenId = storage().refreshTokenId({ grantId, accountId: 'alice' });
    await refresh.upsert(tokenId, { jti: tokenId, kind: 'RefreshToken', grantId }, 600);
    await refresh.consume(tokenId);
    await refresh.upsert(tokenId, { jti: tokenId, kind: 'RefreshToken', grantId, scope: 'changed' }, 600);
    t.is(typeof (await refresh.find(tokenId))?.consumed, 'number');
  });

  // Refresh-token rotation (issue 11.1): one atomic operation, retries of an undelivered
  // rotation continue the chain, everything else is reuse.
  const refreshToken = (tokenId: string, grantId: string): ModelPayload => ({
    jti: tokenId,
    kind: 'RefreshToken',
    grantId,
    accountId: 'alice',
    clientId: 'cli',
  });
  const newRefreshTokenId = (grantId: string) => storage().refreshTokenId({ grantId, accountId: 'alice' });
  async function issued(grantId = id()) {
    const tokenId = newRefreshTokenId(grantId);
    await storage()
      .modelAdapter('Grant')
      .upsert(
        grantId,
        { jti: grantId, kind: 'Grant', accountId: 'alice', clientId: 'cli', openid: { scope: 'openid' }, resources: { 'urn:api': 'api:read api:write' } },
        600,
      );
    await storage().modelAdapter('RefreshToken').upsert(tokenId, refreshToken(tokenId, grantId), 600);
    return { tokenId, grantId };
  }
  // As the refresh_token grant does it: the presented token is found, then rotated.
  const rotate = (previousId: string, grantId: string, reuseIntervalSeconds = 30) => {
    const successor = newRefreshTokenId(grantId);
    return {
      successor,
      outcome: storage().rotateRefreshToken({ previousId, id: successor, payload: refreshToken(successor, grantId), expiresIn: 600, reuseIntervalSeconds }),
    };
  };

  test('a rotation consumes the old refresh token and saves its successor, which rotates in turn', async (t) => {
    const { tokenId, grantId } = await issued();
    const first = rotate(tokenId, grantId);
    t.is(await first.outcome, 'rotated');
    t.is(typeof (await storage().modelAdapter('RefreshToken').find(tokenId))?.consumed, 'number');
    t.like(await storage().modelAdapter('RefreshToken').find(first.successor), { jti: first.successor, grantId, consumed: undefined });
    t.is(await rotate(first.successor, grantId).outcome, 'rotated');
  });

  test('a retry of a refresh token whose successor is unused replaces that successor, which is then reuse', async (t) => {
    const { tokenId, grantId } = await issued();
    const lost = rotate(tokenId, grantId);
    t.is(await lost.outcome, 'rotated');
    const retry = rotate(tokenId, grantId);
    t.is(await retry.outcome, 'rotated', 'the answer with the first successor never arrived');
    t.is(await rotate(retry.successor, grantId).outcome, 'rotated', 'the chain goes on from the retry');
    t.is(await rotate(lost.successor, grantId).outcome, 'reused', 'the replaced successor was handed to someone else');
    t.like(await storage().findRefreshToken(lost.successor), { used: true }, 'found as a used token');
  });

  test('of a refresh token whose successor was rotated nothing is kept: it is found used, with its grant’s client and account, and is reuse', async (t) => {
    const { tokenId, grantId } = await issued();
    const first = rotate(tokenId, grantId);
    t.is(await first.outcome, 'rotated');
    t.like(await storage().findRefreshToken(tokenId), { used: false, payload: { jti: tokenId, grantId } }, 'kept for a retry while its successor is unused');
    t.is(await rotate(first.successor, grantId).outcome, 'rotated');
    const used = await storage().findRefreshToken(tokenId);
    t.like(used, { used: true, payload: { jti: tokenId, kind: 'RefreshToken', grantId, clientId: 'cli', accountId: 'alice' } });
    t.is(typeof used?.payload.consumed, 'number');
    t.true((used?.payload.exp as number) > Date.now() / 1000, 'alive while its chain is');
    t.is(used?.payload.scope, 'openid api:read api:write', 'its grant’s scopes: nothing of its payload is left');
    t.is(typeof (await storage().modelAdapter('RefreshToken').find(tokenId))?.consumed, 'number');
    t.like(await storage().findRefreshToken(first.successor), { used: false }, 'the current token’s predecessor is kept for a retry');
    t.is(await rotate(tokenId, grantId).outcome, 'reused');
  });

  test('an id the store did not mint is not found, even with a grant id of one it did', async (t) => {
    const { tokenId, grantId } = await issued();
    const [random, grant, account, mac] = tokenId.split('.') as [string, string, string, string];
    t.is(grant, grantId, 'a refresh token id names its grant');
    const forged = `${random}.${grant}.${account}.${mac.startsWith('A') ? 'B' : 'A'}${mac.slice(1)}`;
    t.is(storage().refreshTokenOwner(forged), undefined);
    t.is(await storage().findRefreshToken(forged), undefined);
    t.is(await rotate(forged, grantId).outcome, 'gone', 'and it revokes nothing');
    t.is(await rotate(tokenId, grantId).outcome, 'rotated');
  });

  test('a replay of a refresh token whose successor was used is reuse', async (t) => {
    const { tokenId, grantId } = await issued();
    const first = rotate(tokenId, grantId);
    t.is(await first.outcome, 'rotated');
    t.is(await rotate(first.successor, grantId).outcome, 'rotated');
    t.is(await rotate(tokenId, grantId).outcome, 'reused');
  });

  const confirm = (previousId: string, successor: string, grantId: string) =>
    storage().confirmRefreshTokenRotation({ previousId, id: successor, payload: refreshToken(successor, grantId) });

  test('a replay of a refresh token later than the reuse interval, its successor sent, is reuse', async (t) => {
    const { tokenId, grantId } = await issued();
    const sent = rotate(tokenId, grantId, 1);
    t.is(await sent.outcome, 'rotated');
    await confirm(tokenId, sent.successor, grantId);
    await sleep(1200);
    t.is(await rotate(tokenId, grantId, 1).outcome, 'reused');
  });

  test('a retry of a refresh token whose successor was never sent continues the chain however late, and the replaced successor is reuse', async (t) => {
    const { tokenId, grantId } = await issued();
    const cutOff = rotate(tokenId, grantId, 1);
    t.is(await cutOff.outcome, 'rotated');
    await sleep(1200);
    const retry = rotate(tokenId, grantId, 1);
    t.is(await retry.outcome, 'rotated', 'an unsent successor was never issued');
    await confirm(tokenId, retry.successor, grantId);
    await confirm(tokenId, cutOff.successor, grantId);
    t.is(await rotate(cutOff.successor, grantId, 1).outcome, 'reused', 'a confirmation of the replaced successor changes nothing');
  });

  test('a retry with no reuse interval continues the chain only while the successor was never sent', async (t) => {
    const { tokenId, grantId } = await issued();
    const cutOff = rotate(tokenId, grantId, 0);
    t.is(await cutOff.outcome, 'rotated');
    const retry = rotate(tokenId, grantId, 0);
    t.is(await retry.outcome, 'rotated');
    await confirm(tokenId, retry.successor, grantId);
    t.is(await rotate(tokenId, grantId, 0).outcome, 'reused');
  });

  test('a replay of a refresh token whose unsent successor was used is reuse', async (t) => {
    const { tokenId, grantId } = await issued();
    const first = rotate(tokenId, grantId, 1);
    t.is(await first.outcome, 'rotated');
    t.is(await rotate(first.successor, grantId, 1).outcome, 'rotated');
    t.is(await rotate(tokenId, grantId, 1).outcome, 'reused');
  });

  test('20 concurrent rotations of one refresh token leave exactly one live successor', async (t) => {
    const { tokenId, grantId } = await issued();
    const rotations = Array.from({ length: 20 }, () => rotate(tokenId, grantId));
    t.deepEqual(new Set(await Promise.all(rotations.map((rotation) => rotation.outcome))), new Set(['rotated']));
    const next = await Promise.all(rotations.map((rotation) => rotate(rotation.successor, grantId).outcome));
    t.is(next.filter((outcome) => outcome === 'rotated').length, 1);
    t.is(next.filter((outcome) => outcome === 'reused').length, 19);
  });

  test('rotating an unknown refresh token, or one of a revoked grant, is gone', async (t) => {
    const { tokenId, grantId } = await issued();
    t.is(await rotate(id(), grantId).outcome, 'gone');
    await storage().modelAdapter('RefreshToken').revokeByGrantId(grantId);
    t.true(await storage().isGrantRevoked(grantId));
    t.is(await rotate(tokenId, grantId).outcome, 'gone');
  });

  test('annulling an undelivered rotation makes the old token new again and drops the successor, unless the successor was used', async (t) => {
    const { tokenId, grantId } = await issued();
    const lost = rotate(tokenId, grantId, 0);
    t.is(await lost.outcome, 'rotated');
    await storage().annulRefreshTokenRotation({ previousId: tokenId, id: lost.successor, payload: refreshToken(lost.successor, grantId) });
    t.is((await storage().modelAdapter('RefreshToken').find(tokenId))?.consumed, undefined);
    t.like(await storage().findRefreshToken(lost.successor), { used: true }, 'nothing is kept of the successor: presented, it would be reuse');
    const delivered = rotate(tokenId, grantId, 0);
    t.is(await delivered.outcome, 'rotated', 'a plain rotation, even with no reuse interval');
    t.is(await rotate(delivered.successor, grantId).outcome, 'rotated');
    await storage().annulRefreshTokenRotation({ previousId: tokenId, id: delivered.successor, payload: refreshToken(delivered.successor, grantId) });
    t.is(await rotate(tokenId, grantId).outcome, 'reused', 'a used successor is never undone');
  });

  test('pacePoll: a poll sooner than the interval is too soon and raises the interval for later polls', async (t) => {
    const name = `poll-${id()}`;
    const pacing = { intervalSeconds: 1, stepSeconds: 5, toleranceMs: 0, ttlSeconds: 60 };
    t.is(await storage().pacePoll(name, pacing), 'in-time');
    t.is(await storage().pacePoll(name, pacing), 'too-soon');
    await sleep(1100);
    t.is(await storage().pacePoll(name, pacing), 'too-soon', 'the interval is 6 s now');
    t.is(await storage().pacePoll(`poll-${id()}`, pacing), 'in-time', 'per name');
  });

  test('collection insert refuses an existing id and keeps the first record', async (t) => {
    const things = storage().collection<{ name: string }>(`things-${id()}`);
    t.true(await things.insert('a', { name: 'first' }));
    t.false(await things.insert('a', { name: 'second' }));
    t.deepEqual(await things.get('a'), { name: 'first' });
  });

  test('collection put, get, list and delete', async (t) => {
    const things = storage().collection<{ name: string }>(`things-${id()}`);
    const others = storage().collection<{ name: string }>(`things-${id()}`);
    await things.put('a', { name: 'A' });
    await things.put('b', { name: 'B' });
    await things.put('b', { name: 'B2' });
    await others.put('c', { name: 'C' });
    t.deepEqual(await things.get('b'), { name: 'B2' });
    t.deepEqual((await things.list()).map((thing) => thing.name).sort(), ['A', 'B2']);
    t.true(await things.delete('a'));
    t.false(await things.delete('a'));
    t.is(await things.get('a'), undefined);
    t.deepEqual(await things.list(), [{ name: 'B2' }]);
    t.deepEqual(await others.list(), [{ name: 'C' }], 'collections are independent');
  });

  test('collection records are copies: changing one read does not change the store', async (t) => {
    const things = storage().collection<{ tags: string[] }>(`things-${id()}`);
    await things.put('a', { tags: ['x'] });
    const read = await things.get('a');
    read?.tags.push('y');
    t.deepEqual(await things.get('a'), { tags: ['x'] });
  });

  test('swapValue returns the previous value and the value expires with its TTL', async (t) => {
    const name = `poll-${id()}`;
    const store = storage();
    t.is(await store.swapValue(name, 'one', 3), undefined);
    t.is(await store.swapValue(name, 'two', 3), 'one');
    t.is(await store.getValue(name), 'two');
    await sleep(3300);
    t.is(await store.getValue(name), undefined);
  });

  test('replaceValue writes only over the value expected: of two racing changes one wins, the other is told', async (t) => {
    const name = `cas-${id()}`;
    const store = storage();
    t.false(await store.replaceValue(name, 'zero', 'one', 60), 'nothing to replace');
    t.is(await store.getValue(name), undefined);
    await store.swapValue(name, 'one', 60);
    const outcomes = await Promise.all([store.replaceValue(name, 'one', 'two', 60), store.replaceValue(name, 'one', 'three', 60)]);
    t.deepEqual(outcomes, [true, false]);
    t.is(await store.getValue(name), 'two');
    t.true(await store.replaceValue(name, 'two', 'four', 2));
    await sleep(2300);
    t.is(await store.getValue(name), undefined, 'with the TTL given');
  });

  test('deleteValue removes a value; deleting what is not there is no error', async (t) => {
    const name = `gone-${id()}`;
    const store = storage();
    await store.swapValue(name, 'one', 60);
    await store.deleteValue(name);
    t.is(await store.getValue(name), undefined);
    await t.notThrowsAsync(store.deleteValue(name));
  });

  test('a rate limiter refuses once its points are spent', async (t) => {
    const limiter = storage().rateLimiter({ name: `login-${id()}`, points: 2, durationSeconds: 60 });
    await limiter.consume('1.2.3.4');
    await limiter.consume('1.2.3.4');
    // rate-limiter-flexible rejects with its result object, not an Error.
    await t.throwsAsync(limiter.consume('1.2.3.4'), { any: true });
    await t.notThrowsAsync(limiter.consume('5.6.7.8'), 'counters are per key');
  });

  test('ping answers', async (t) => {
    await t.notThrowsAsync(storage().ping());
  });
}
