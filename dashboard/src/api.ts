/** The dashboard's only way to the server: the same JSON API the CLI's HTTP service documents. */
export type Role = 'admin' | 'read';

export interface Session {
  role: Role;
  environments: string[];
}

export interface MigrationRow {
  version: string;
  name: string;
  state: 'applied' | 'pending' | 'modified' | 'missing' | 'failed';
  checksum: string;
  appliedAt: string | null;
  appliedBy: string | null;
  executionMs: number | null;
  kind: 'migration' | 'baseline' | null;
  reversible: boolean;
  error?: string;
}

export interface Status {
  table: string;
  current: string | null;
  counts: Record<'applied' | 'pending' | 'modified' | 'missing' | 'failed', number>;
  migrations: MigrationRow[];
}

export type { HistoryEvent } from '../../src/db/tracking-store.js';
import type { HistoryEvent } from '../../src/db/tracking-store.js';

export interface MigrationDetail {
  version: string;
  name: string;
  file: string | null;
  up: string | null;
  downFile: string | null;
  down: string | null;
  events: HistoryEvent[];
  lint?: LintFinding[];
}

export interface LintFinding {
  rule: string;
  severity: 'error' | 'warning';
  file: string;
  line: number;
  column: number;
  message: string;
  hint: string;
}

export type { PlannedMigration } from '../../src/runner/runner.js';
export type { VerifyReport } from '../../src/verify/verify.js';

export interface Backup {
  id: string;
  createdAt: string;
  version: string | null;
  sizeBytes: number;
  durationMs: number;
}

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

export async function api<T>(path: string, init: { method?: string; body?: unknown; env?: string } = {}): Promise<T> {
  const url = withEnv(path, init.env);
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers: {
      Authorization: `Bearer ${tokenStore.get() ?? ''}`,
      ...(init.body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await response.text();
  const json = text ? JSON.parse(text) : {};
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

function withEnv(path: string, env: string | undefined): string {
  if (!env) return path;
  return `${path}${path.includes('?') ? '&' : '?'}env=${encodeURIComponent(env)}`;
}

/**
 * Server-Sent Events over fetch, because EventSource cannot send an Authorization header and the token must
 * not go into the URL. Calls `onEvent` per event until `signal` aborts.
 */
export async function streamEvents(
  env: string | undefined,
  onEvent: (name: string, data: unknown) => void,
  signal: AbortSignal,
): Promise<void> {
  const response = await fetch(withEnv('/events', env), {
    headers: { Authorization: `Bearer ${tokenStore.get() ?? ''}`, Accept: 'text/event-stream' },
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
