import type { Hono } from 'hono';
import { visibleTo } from '../../app/access.js';
import { summarizeTargets } from '../../app/summary.js';
import { settingsOf } from '../../app/target.js';
import { statusJson } from '../../core/status-json.js';
import { normalizeVersion } from '../../core/version.js';
import { trackedVersion } from '../../contract/common.js';
import { ROUTES } from '../../contract/routes.js';
import { OgelError } from '../../errors.js';
import { lintTargets } from '../../runner/lint-migrations.js';
import { ensureParser } from '../../sql/parser.js';
import type { AuthVariables } from '../auth.js';
import { implement } from '../implement.js';
import type { ServerState } from '../state.js';
import { defaultEnvironmentFor, targetFor } from '../targets.js';

/** SQL above this size is sent cut and not linted: a 50 MB data migration must not stall the server. */
const DETAIL_LIMIT_BYTES = 1024 * 1024;

/** Read-only endpoints: the session, the overview, status, history, the lock holder, one migration. */
export function readRoutes(app: Hono<{ Variables: AuthVariables }>, state: ServerState): void {
  implement(app, state, ROUTES.session, ({ principal }) => {
    const names = visibleTo(principal!, state.targets.keys());
    return {
      role: principal!.role,
      actor: principal!.actor,
      environments: names.map((name) => {
        const target = state.targets.get(name)!;
        return {
          name,
          protected: target.protected,
          after: target.upstream,
          writable: principal!.role === 'admin',
          settings: settingsOf(target),
        };
      }),
      defaultEnvironment: defaultEnvironmentFor(state, principal!),
    };
  });

  implement(app, state, ROUTES.environments, async ({ principal }) => ({
    environments: await summarizeTargets(state.targets, principal!, state.lastDrift),
  }));

  implement(app, state, ROUTES.status, async ({ query, principal }) => {
    const target = targetFor(state, query.env, principal, 'read');
    return statusJson(await target.runner.status());
  });

  implement(app, state, ROUTES.history, async ({ query, principal }) => {
    const target = targetFor(state, query.env, principal, 'read');
    const limit = query.limit ?? 50;
    const events = await target.runner.history({
      limit,
      ...(query.before ? { before: query.before } : {}),
      ...(query.event ? { event: query.event } : {}),
      ...(query.outcome ? { outcome: query.outcome } : {}),
      ...(query.version ? { version: query.version } : {}),
    });
    return { events, nextBefore: events.length === limit ? events.at(-1)!.id : null };
  });

  implement(app, state, ROUTES.lock, async ({ query, principal }) => ({
    holder: await targetFor(state, query.env, principal, 'read').runner.lockHolder(),
  }));

  implement(app, state, ROUTES.migration, async ({ query, principal, c }) => {
    const parsed = trackedVersion.safeParse(c.req.param('version'));
    if (!parsed.success)
      throw new OgelError('USAGE', 'version must be digits (e.g. 008) or a repeatable migration (R_views)', {
        param: 'version',
      });
    const { runner } = targetFor(state, query.env, principal, 'read');
    const report = await runner.status();
    const entry = report.migrations.find((m) => normalizeVersion(m.version) === normalizeVersion(parsed.data));
    if (!entry) throw new OgelError('NOT_FOUND', `No migration ${parsed.data}`, { version: parsed.data });
    const events = await runner.history({ limit: 100, version: entry.version });
    const migration = entry.migration;
    const size = (migration?.upSql.length ?? 0) + (migration?.downSql?.length ?? 0);
    const truncated = size > DETAIL_LIMIT_BYTES;
    const cut = (sql: string | undefined) =>
      sql === undefined ? null : truncated ? sql.slice(0, DETAIL_LIMIT_BYTES / 2) : sql;
    let lint: ReturnType<typeof lintTargets>['findings'] = [];
    if (migration && !truncated) {
      await ensureParser();
      lint = lintTargets([{ migration, modified: entry.state === 'modified' }], undefined, false).findings;
    }
    return {
      version: entry.version,
      name: entry.name,
      state: entry.state,
      file: migration?.file ?? null,
      up: cut(migration?.upSql),
      downFile: migration?.downFile ?? null,
      down: cut(migration?.downSql),
      truncated,
      events,
      lint,
    };
  });
}
