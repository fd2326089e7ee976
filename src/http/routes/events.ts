import type { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { ROUTES } from '../../contract/routes.js';
import type { AuthVariables } from '../auth.js';
import { implement } from '../implement.js';
import type { ServerState } from '../state.js';
import { targetFor } from '../targets.js';

/** Server-Sent Events: the runner's progress stream (run:start, migration:done, run:end, …) while clients listen. */
export function eventRoutes(app: Hono<{ Variables: AuthVariables }>, state: ServerState): void {
  implement(
    app,
    state,
    ROUTES.events,
    ({ query, principal, c }) => {
      const { name: env, runner } = targetFor(state, query.env, principal, 'read');
      return streamSSE(c, async (stream) => {
        let id = 0;
        const queue: Array<{ event: string; data: string }> = [];
        let wake: (() => void) | undefined;
        const off = runner.events.onAny((event, payload) => {
          queue.push({ event, data: JSON.stringify({ env, ...payload }) });
          wake?.();
        });
        let open = true;
        const close = () => {
          open = false;
          wake?.();
        };
        stream.onAbort(close);
        state.shutdownListeners.add(close);
        try {
          await stream.writeSSE({ event: 'ready', data: JSON.stringify({ env }) });
          while (open && !state.shuttingDown) {
            while (queue.length > 0) {
              const next = queue.shift()!;
              await stream.writeSSE({ ...next, id: String(++id) });
            }
            // Wake on an event, or every 15 s to send a keep-alive comment through idle proxies.
            await new Promise<void>((resolve) => {
              wake = resolve;
              setTimeout(resolve, 15_000).unref();
            });
            wake = undefined;
            if (queue.length === 0 && open) await stream.write(': keep-alive\n\n');
          }
        } finally {
          off();
          state.shutdownListeners.delete(close);
        }
      });
    },
    { raw: true },
  );
}
