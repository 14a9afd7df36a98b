import { randomFillSync } from 'node:crypto';

const poolBytes = 4096;
const pool = Buffer.allocUnsafe(poolBytes);
let offset = poolBytes;

/**
 * `size` bytes from the CSPRNG, drawn from a pool that is refilled 4 KiB at a time. One call to
 * OpenSSL costs about 1.7 µs however few bytes it gives (Node 24); a refresh draws twice (the
 * new token's id, the sealing IV). Node's randomUUID and the nanoid that oidc-provider uses pool
 * the same way. Every byte is handed out once.
 */
export function randomPoolBytes(size: number): Buffer {
  if (size > poolBytes) throw new RangeError(`at most ${poolBytes} bytes at a time`);
  if (offset + size > poolBytes) {
    randomFillSync(pool);
    offset = 0;
  }
  const bytes = Buffer.from(pool.subarray(offset, offset + size));
  offset += size;
  return bytes;
}
