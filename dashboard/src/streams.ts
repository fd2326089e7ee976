import { useEffect, useRef } from 'preact/hooks';
import { streamEvents } from './api.js';
import type { ProgressLine, UpdateEnv } from './store.js';

const KEEP_LINES = 30;

/** One event of the runner's stream as a progress line, or null for those the page does not show. */
function lineOf(name: string, d: Record<string, unknown>): Omit<ProgressLine, 'at'> | null {
  switch (name) {
    case 'run:start':
      return { text: `${d.operation} started: ${(d.planned as string[]).join(', ') || 'nothing to do'}`, kind: 'info' };
    case 'migration:start':
      return {
        text: `${d.direction === 'up' ? 'applying' : 'reverting'} ${d.version}_${d.name} (${Number(d.index) + 1}/${d.total})`,
        kind: 'info',
      };
    case 'migration:done':
      return { text: `${d.version} done in ${d.durationMs} ms`, kind: 'ok' };
    case 'migration:failed':
      return { text: `${d.version} failed`, kind: 'bad' };
    case 'migration:retry':
      return { text: `${d.version}: retry ${d.attempt} in ${d.delayMs} ms (${d.reason})`, kind: 'info' };
    case 'lock:waiting':
      return { text: 'waiting for the migration lock', kind: 'info' };
    case 'run:end':
      return { text: `${d.operation} ${d.outcome}`, kind: d.outcome === 'success' ? 'ok' : 'bad' };
    default:
      return null;
  }
}

/**
 * Follows the event streams of `envs` (the selected environment and any with an action in flight), each
 * line kept under the environment the server says it belongs to. `onRunEnd(env)` when a run there ends.
 */
export function useEventStreams(envs: readonly string[], update: UpdateEnv, onRunEnd: (env: string) => void): void {
  const streams = useRef(new Map<string, AbortController>());
  const latest = useRef({ update, onRunEnd });
  latest.current = { update, onRunEnd };
  const key = [...new Set(envs)].sort().join('\n');

  useEffect(() => {
    const wanted = new Set(key ? key.split('\n') : []);
    for (const [env, controller] of streams.current) {
      if (!wanted.has(env)) {
        controller.abort();
        streams.current.delete(env);
      }
    }
    for (const env of wanted) {
      if (streams.current.has(env)) continue;
      const controller = new AbortController();
      streams.current.set(env, controller);
      void follow(env, controller.signal, (name, data) => {
        const owner = typeof data.env === 'string' ? data.env : env;
        const line = lineOf(name, data);
        if (line) {
          const at = new Date().toLocaleTimeString();
          latest.current.update(owner, (s) => ({ progress: [...s.progress.slice(1 - KEEP_LINES), { at, ...line }] }));
        }
        if (name === 'run:end') latest.current.onRunEnd(owner);
      });
    }
  }, [key]);

  useEffect(
    () => () => {
      for (const controller of streams.current.values()) controller.abort();
      streams.current.clear();
    },
    [],
  );
}

/** Reconnects with backoff until aborted: a proxy or a restart may drop the stream. */
async function follow(
  env: string,
  signal: AbortSignal,
  onEvent: (name: string, data: Record<string, unknown>) => void,
): Promise<void> {
  for (let attempt = 0; !signal.aborted; attempt++) {
    await streamEvents(env, onEvent, signal).catch(() => undefined);
    if (signal.aborted) return;
    await new Promise((resolve) => setTimeout(resolve, Math.min(10_000, 500 * 2 ** attempt)));
  }
}
