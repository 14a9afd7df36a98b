import { AppError, codeForStatus } from '../errors.ts';

const timeoutMs = 15_000;

export interface JsonResponse {
  status: number;
  body: Record<string, unknown>;
}

/** fetch with a timeout; an unreachable server is an `unreachable` AppError naming the URL. */
export async function requestJson(url: string, init: RequestInit = {}): Promise<JsonResponse> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? (error as Error).message;
    throw new AppError('unreachable', `cannot reach ${new URL(url).origin}: ${reason}`);
  }
  const text = await response.text();
  let body: Record<string, unknown> = {};
  if (text) {
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      body = { error: 'invalid_response', error_description: `${url} answered ${response.status} with something other than JSON` };
    }
  }
  return { status: response.status, body };
}

/** Turns an error response (ours, or RFC 6749 §5.2 JSON) into an AppError with a fitting code. */
export function responseError(response: JsonResponse, what: string): AppError {
  const { error, error_description: description, field } = response.body as { error?: string; error_description?: string; field?: string };
  const code = codeForStatus(response.status);
  const detail = description ? `${error ?? response.status}: ${description}` : String(error ?? `HTTP ${response.status}`);
  // Even a 5xx from the server is a known answer: show it rather than "unexpected error".
  return new AppError(code, `${what}: ${detail}`, { expose: true, ...(field ? { field } : {}) });
}
