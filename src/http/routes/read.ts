import type { Hono } from 'hono';
import { statusJson } from '../../core/status-json.js';
import { OgelError } from '../../errors.js';
import { normalizeVersion } from '../../core/version.js';
import type { Role } from '../auth.js';
import { envQuery, historyQuery, versionParam } from '../schemas.js';
import { runnerFor } from '../runners.js';
import type { ServerState } from '../state.js';
import { readQuery } from '../validate.js';
import { ensureParser } from '../../sql/parser.js';
import { lintTargets } from '../../runner/lint-migrations.js';

/** Read-only endpoints: status, history, lock holder, one migration's SQL and events, the session. */
export function readRoutes(app: Hono<{ Variables: { role: Role } }>, state: ServerState): void {
  app.get('/session', (c) =>
    c.json({
      role: c.get('role'),
      environments: [...state.runners.keys()],
      defaultEnvironment: state.defaultEnvironment,
      protectedEnvironments: [...state.protectedEnvironments],
    }),
  );

  app.get('/status', async (c) => {
    const { runner } = runnerFor(state, readQuery(c, envQuery).env);
    return c.json(statusJson(await runner.status()));
  });

  app.get('/history', async (c) => {
    const query = readQuery(c, historyQuery);
    const { runner } = runnerFor(state, query.env);
    const limit = query.limit ?? 50;
    const events = await runner.history({
      limit,
      ...(query.before ? { before: query.before } : {}),
      ...(query.event ? { event: query.event } : {}),
      ...(query.outcome ? { outcome: query.outcome } : {}),
      ...(query.version ? { version: query.version } : {}),
    });
    return c.json({ events, nextBefore: events.length === limit ? events.at(-1)!.id : null });
  });

  app.get('/lock', async (c) => {
    const { runner } = runnerFor(state, readQuery(c, envQuery).env);
    return c.json({ holder: await runner.lockHolder() });
  });

  app.get('/migrations/:version', async (c) => {
    const parsed = versionParam.safeParse(c.req.param('version'));
    if (!parsed.success) throw new OgelError('USAGE', 'version must be digits, e.g. 008');
    const { runner } = runnerFor(state, readQuery(c, envQuery).env);
    const report = await runner.status();
    const entry = report.migrations.find((m) => normalizeVersion(m.version) === normalizeVersion(parsed.data));
    if (!entry) throw new OgelError('NOT_FOUND', `No migration ${parsed.data}`);
    const events = await runner.history({ limit: 100, version: entry.version });
    await ensureParser();
    const lint = entry.migration
      ? lintTargets([{ migration: entry.migration, modified: entry.state === 'modified' }], undefined, false).findings
      : [];
    return c.json({
      version: entry.version,
      name: entry.name,
      state: entry.state,
      file: entry.migration?.file ?? null,
      up: entry.migration?.upSql ?? null,
      downFile: entry.migration?.downFile ?? null,
      down: entry.migration?.downSql ?? null,
      events,
      lint,
    });
  });
}
