import { Redis } from 'ioredis';

/** Every key and every value in the Redis, as one text. */
export async function dumpRedis(url: string): Promise<{ text: string; keys: number }> {
  const client = new Redis(url);
  const parts: string[] = [];
  let keys = 0;
  try {
    let cursor = '0';
    do {
      const [next, batch] = await client.scan(cursor, 'COUNT', 100);
      cursor = next;
      for (const key of batch) {
        keys += 1;
        parts.push(key);
        const type = await client.type(key);
        if (type === 'string') parts.push((await client.get(key)) ?? '');
        else if (type === 'hash') parts.push(...Object.entries(await client.hgetall(key)).flat());
        else if (type === 'set') parts.push(...(await client.smembers(key)));
        else if (type === 'zset') parts.push(...(await client.zrange(key, '0', '-1', 'WITHSCORES')));
        else if (type === 'list') parts.push(...(await client.lrange(key, 0, -1)));
        else throw new Error(`unexpected type ${type} of ${key}`);
      }
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
  return { text: parts.join('\n'), keys };
}
