/**
 * The dashboard's only way to the server: the JSON API of docs/http.md. Its types are the HTTP contract's own
 * (src/contract), imported as types only, so the bundle carries no server code and cannot drift from the routes.
 */
export type * from '../../src/contract/index.js';

/** An error answer of the API: its HTTP status and the contract's `{ code, message, details }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

const TOKEN_KEY = 'ogel-migrate-token';

/** The token lives in session storage only: gone when the tab closes, never in a URL. */
export const tokenStore = {
  get: () => sessionStorage.getItem(TOKEN_KEY),
  set: (token: string) => sessionStorage.setItem(TOKEN_KEY, token),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

export interface RequestOptions<B> {
  method?: 'GET' | 'POST';
  body?: B;
  /** The environment (`?env=`); every environment-specific call names it, none relies on the server's default. */
  env?: string;
}

export async function api<T, B = unknown>(path: string, init: RequestOptions<B> = {}): Promise<T> {
  const token = tokenStore.get();
  // Never ask without a token: the answer could only be a 401, and the page has nothing to show for it.
  if (!token) throw new ApiError(401, 'UNAUTHORIZED', 'Not signed in');
  const response = await fetch(withEnv(path, init.env), {
    method: init.method ?? 'GET',
    headers: {
      Authorization: `Bearer ${token}`,
      ...(init.body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await response.text();
  let json: { error?: { code?: string; message?: string; details?: Record<string, unknown> } } = {};
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    // A proxy's HTML error page: report the status rather than a JSON syntax error.
    if (response.ok) throw new ApiError(response.status, 'BAD_RESPONSE', `${path} did not answer JSON`);
  }
  if (!response.ok) {
    const error = json.error ?? {};
    throw new ApiError(
      response.status,
      error.code ?? 'HTTP_ERROR',
      error.message ?? `${response.status} ${response.statusText}`,
      error.details ?? {},
    );
  }
  return json as T;
}

export function withEnv(path: string, env: string | undefined): string {
  if (!env) return path;
  return `${path}${path.includes('?') ? '&' : '?'}env=${encodeURIComponent(env)}`;
}

/** The message of anything thrown, with the API's code in front when it has one. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Server-Sent Events over fetch, because EventSource cannot send an Authorization header and the token must
 * not go into the URL. Calls `onEvent` per event until `signal` aborts or the stream ends.
 */
export async function streamEvents(
  env: string,
  onEvent: (name: string, data: Record<string, unknown>) => void,
  signal: AbortSignal,
): Promise<void> {
  const token = tokenStore.get();
  if (!token) return;
  const response = await fetch(withEnv('/events', env), {
    headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' },
    signal,
  });
  if (!response.ok || !response.body) throw new ApiError(response.status, 'SSE', `events: ${response.status}`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let boundary;
    while ((boundary = buffer.indexOf('\n\n')) !== -1) {
      const block = buffer.slice(0, boundary);
      buffer = buffer.slice(boundary + 2);
      let name = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) name = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
      }
      if (data.length > 0) onEvent(name, JSON.parse(data.join('\n')));
    }
  }
}
