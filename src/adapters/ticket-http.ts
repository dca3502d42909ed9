// One JSON request to a ticket system (RT, Zammad): a timeout, the answer read through its zod schema,
// and every failure a HelpdeskError naming the setting and the HTTP status, so the outbox's log line
// and metric say which system failed and how.
import type { z } from 'zod';
import { HelpdeskError } from '../errors.ts';

export interface TicketHttp {
  /** The setting the URL came from (RT_URL), for messages. */
  what: string;
  base: string;
  headers: Record<string, string>;
  timeoutMs: number;
}

/** An HTTP status the system answered, for a caller that treats one as an expected outcome (404). */
export class HttpStatusError extends HelpdeskError {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super('upstream.unavailable', message);
  }
}

export async function requestJson<S extends z.ZodType>(http: TicketHttp, method: 'GET' | 'POST', path: string, schema: S, body?: unknown): Promise<z.infer<S>> {
  let res: Response;
  try {
    res = await fetch(new URL(path, http.base), {
      method,
      headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...http.headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(http.timeoutMs),
    });
  } catch (err) {
    const timeout = (err as Error).name === 'TimeoutError';
    throw new HelpdeskError(timeout ? 'upstream.timeout' : 'upstream.unavailable', `${http.what} ${method} ${path}: ${timeout ? `no answer in ${http.timeoutMs} ms` : (err as Error).message}`, { cause: err });
  }
  const text = await res.text();
  if (!res.ok) throw new HttpStatusError(res.status, `${http.what} ${method} ${path} answered HTTP ${res.status}: ${text.slice(0, 200)}`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new HelpdeskError('upstream.malformed', `${http.what} ${method} ${path}: not JSON`, { cause: err });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new HelpdeskError('upstream.malformed', `${http.what} ${method} ${path}: ${parsed.error.issues[0]?.message ?? 'unexpected answer'}`);
  return parsed.data;
}
