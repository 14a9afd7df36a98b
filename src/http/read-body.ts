import type { Context } from 'koa';

import { AppError } from '../errors.ts';

/**
 * Reads a small request body for tollgate's own routes (admin API, sign-in pages); the
 * provider's routes parse their own. Oversized or malformed bodies are 400/413 errors.
 */
export async function readBody(ctx: Context, limitBytes = 64 * 1024): Promise<unknown> {
  const text = (await readRawBody(ctx, limitBytes)).toString('utf8');
  if (ctx.is('application/json')) {
    if (text.trim() === '') return {};
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new AppError('invalid_field', 'request body is not valid JSON', { field: 'body' });
    }
  }
  if (ctx.is('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  if (text === '') return {};
  throw new AppError('invalid_field', 'content type must be application/json or application/x-www-form-urlencoded', { field: 'content-type' });
}

/** The body as sent, refused with a 400 once it is (or says it is) larger than `limitBytes`. */
export async function readRawBody(ctx: Context, limitBytes = 64 * 1024): Promise<Buffer> {
  const tooLarge = () => new AppError('invalid_field', `request body is larger than ${limitBytes} bytes`, { field: 'body' });
  if (Number(ctx.get('content-length') || 0) > limitBytes) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > limitBytes) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
