import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';

export interface WireCounts {
  /** Request chunks written to Redis by the clients. */
  writes: number;
  /**
   * Round trips as latency sees them: a request chunk that follows a reply on its connection
   * (requests sent back to back, pipelined or concurrent, count once).
   */
  roundTrips: number;
  bytesToRedis: number;
  bytesFromRedis: number;
}

export interface RedisWireCounter {
  /** A redis:// URL that reaches Redis through the counter. */
  url: string;
  counts(): WireCounts;
  close(): Promise<void>;
}

/**
 * A TCP relay between tollgate and its redis-server that counts what crosses it, so the bench
 * measures round trips and bytes per operation instead of estimating them from the code.
 */
export async function startRedisWireCounter(redisPort: number): Promise<RedisWireCounter> {
  const totals: WireCounts = { writes: 0, roundTrips: 0, bytesToRedis: 0, bytesFromRedis: 0 };
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const redis = connect(redisPort, '127.0.0.1');
    client.setNoDelay(true);
    redis.setNoDelay(true);
    sockets.add(client).add(redis);
    // A connection starts waiting for nothing: its first request is a round trip.
    let replied = true;
    client.on('data', (chunk: Buffer) => {
      totals.writes += 1;
      totals.bytesToRedis += chunk.length;
      if (replied) totals.roundTrips += 1;
      replied = false;
      redis.write(chunk);
    });
    redis.on('data', (chunk: Buffer) => {
      totals.bytesFromRedis += chunk.length;
      replied = true;
      client.write(chunk);
    });
    const end = () => {
      client.destroy();
      redis.destroy();
      sockets.delete(client);
      sockets.delete(redis);
    };
    client.on('close', end).on('error', end);
    redis.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `redis://127.0.0.1:${port}`,
    counts: () => ({ ...totals }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
