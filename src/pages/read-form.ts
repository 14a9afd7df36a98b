import type { Context } from 'koa';

import { AppError } from '../errors.ts';
import { readRawBody } from '../http/read-body.ts';
import { sendBadRequest } from './notice-pages.ts';

/** Our pages' forms are small: a CSRF token, a username, a password, a decision. */
const formLimitBytes = 8 * 1024;

export type Form = Record<string, string>;

/**
 * Reads a page's form as a browser posts it (application/x-www-form-urlencoded), every field a
 * string. Anything else (JSON, a body over the limit) gets our HTML page and `undefined`.
 */
export async function readForm(ctx: Context): Promise<Form | undefined> {
  if (!ctx.is('application/x-www-form-urlencoded')) {
    sendBadRequest(ctx, 415, 'This page only accepts its own form.');
    return undefined;
  }
  let raw: Buffer;
  try {
    raw = await readRawBody(ctx, formLimitBytes);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    sendBadRequest(ctx, 413, 'The form sent was too large.');
    return undefined;
  }
  const form: Form = {};
  // The first value of a repeated field, as a browser would send it once.
  for (const [name, value] of new URLSearchParams(raw.toString('utf8'))) form[name] ??= value;
  return form;
}
