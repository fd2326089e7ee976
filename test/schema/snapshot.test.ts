import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { diffSnapshots, formatDifferences, type SchemaDifference } from '../../src/schema/diff.js';
import { snapshotSchema, type SchemaSnapshot, type SnapshotOptions } from '../../src/schema/snapshot.js';
import { createTestDatabase, query, withAdmin, withClient } from '../harness/db.js';

// Roles are cluster-wide and test files run in parallel: a name of our own avoids clashes.
const ROLE = `snap_reader_${randomBytes(3).toString('hex')}`;

beforeAll(async () => {
  await withAdmin((client) => client.query(`CREATE ROLE ${ROLE} NOLOGIN`));
});

/** The reference schema, written the way a person would: inline constraints, serial, identity. */
const BASE = () => `
CREATE SCHEMA platform;
CREATE TYPE platform.plan_tier AS ENUM ('free', 'pro');
CREATE DOMAIN platform.slug AS text CHECK (VALUE ~ '^[a-z0-9-]+$');
CREATE TYPE platform.address AS (street text, zip text);
CREATE SEQUENCE platform.invoice_seq START 1000;
CREATE TABLE platform.accounts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email text NOT NULL UNIQUE,
  tier platform.plan_tier NOT NULL DEFAULT 'free'
);
ALTER TABLE platform.accounts ENABLE ROW LEVEL SECURITY;
CREATE TABLE platform.projects (
  id serial PRIMARY KEY,
  account_id bigint NOT NULL REFERENCES platform.accounts (id) ON DELETE CASCADE,
  name text NOT NULL,
  slug platform.slug,
  status text NOT NULL DEFAULT 'active',
  tags text[] NOT NULL DEFAULT '{}',
  address platform.address,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  code text GENERATED ALWAYS AS ('P-' || id::text) STORED
);
ALTER TABLE platform.projects ADD CONSTRAINT projects_status_check CHECK (status IN ('active', 'archived', 'deleted')) NOT VALID;
CREATE INDEX projects_account_idx ON platform.projects (account_id) WHERE status <> 'deleted';
CREATE FUNCTION platform.touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END
$$;
CREATE TRIGGER projects_touch BEFORE UPDATE ON platform.projects FOR EACH ROW EXECUTE FUNCTION platform.touch_updated_at();
CREATE FUNCTION platform.account_count() RETURNS bigint LANGUAGE sql STABLE BEGIN ATOMIC SELECT count(*) FROM platform.accounts; END;
CREATE PROCEDURE platform.archive(p_id integer) LANGUAGE sql AS $$ UPDATE platform.projects SET status = 'archived' WHERE id = p_id $$;
CREATE VIEW platform.active_projects AS SELECT id, status FROM platform.projects WHERE status = 'active';
CREATE TABLE platform.events (id bigint NOT NULL, at timestamptz NOT NULL, payload jsonb) PARTITION BY RANGE (at);
CREATE TABLE platform.events_2024 PARTITION OF platform.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE INDEX events_at_idx ON platform.events (at);
CREATE POLICY projects_owner_select ON platform.projects FOR SELECT TO ${ROLE}
  USING (account_id = current_setting('app.account_id')::bigint);
GRANT USAGE ON SCHEMA platform TO ${ROLE};
GRANT SELECT ON platform.accounts TO ${ROLE};
GRANT UPDATE (name) ON platform.projects TO ${ROLE};
REVOKE EXECUTE ON FUNCTION platform.touch_updated_at() FROM PUBLIC;
ALTER DEFAULT PRIVILEGES IN SCHEMA platform GRANT SELECT ON TABLES TO ${ROLE};
COMMENT ON TABLE platform.projects IS 'Projects';
COMMENT ON COLUMN platform.projects.tags IS 'Free-form tags';
`;

/**
 * The same schema built another way: objects in another order, constraints, defaults and identity added by ALTER,
 * serial spelled out, and a dropped column in the middle of projects (an attnum gap).
 */
const BASE_REORDERED = () => `
CREATE SCHEMA platform;
GRANT USAGE ON SCHEMA platform TO ${ROLE};
CREATE TYPE platform.address AS (street text, zip text);
CREATE FUNCTION platform.touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END
$$;
REVOKE EXECUTE ON FUNCTION platform.touch_updated_at() FROM PUBLIC;
CREATE DOMAIN platform.slug AS text;
ALTER DOMAIN platform.slug ADD CONSTRAINT slug_check CHECK (VALUE ~ '^[a-z0-9-]+$');
CREATE TABLE platform.events (id bigint NOT NULL, at timestamptz NOT NULL, payload jsonb) PARTITION BY RANGE (at);
CREATE INDEX events_at_idx ON platform.events (at);
CREATE TABLE platform.events_2024 PARTITION OF platform.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TYPE platform.plan_tier AS ENUM ('free');
ALTER TYPE platform.plan_tier ADD VALUE 'pro';
CREATE TABLE platform.accounts (id bigint NOT NULL, email text, tier platform.plan_tier NOT NULL);
CREATE SEQUENCE platform.projects_id_seq AS integer;
CREATE TABLE platform.projects (
  id integer NOT NULL DEFAULT nextval('platform.projects_id_seq'),
  account_id bigint NOT NULL,
  legacy_owner text,
  name text,
  slug platform.slug,
  status text NOT NULL DEFAULT 'active',
  tags text[] NOT NULL DEFAULT '{}',
  address platform.address,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  code text GENERATED ALWAYS AS ('P-' || id::text) STORED
);
ALTER SEQUENCE platform.projects_id_seq OWNED BY platform.projects.id;
ALTER TABLE platform.projects DROP COLUMN legacy_owner;
COMMENT ON COLUMN platform.projects.tags IS 'Free-form tags';
CREATE VIEW platform.active_projects AS SELECT id, status FROM platform.projects WHERE status = 'active';
CREATE TRIGGER projects_touch BEFORE UPDATE ON platform.projects FOR EACH ROW EXECUTE FUNCTION platform.touch_updated_at();
CREATE INDEX projects_account_idx ON platform.projects (account_id) WHERE status <> 'deleted';
ALTER TABLE platform.projects ALTER COLUMN name SET NOT NULL;
ALTER TABLE platform.projects ADD CONSTRAINT projects_status_check CHECK (status IN ('active', 'archived', 'deleted')) NOT VALID;
ALTER TABLE platform.projects ADD PRIMARY KEY (id);
ALTER TABLE platform.accounts ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY;
ALTER TABLE platform.accounts ALTER COLUMN email SET NOT NULL;
ALTER TABLE platform.accounts ALTER COLUMN tier SET DEFAULT 'free';
ALTER TABLE platform.accounts ADD PRIMARY KEY (id);
ALTER TABLE platform.accounts ADD UNIQUE (email);
ALTER TABLE platform.projects ADD FOREIGN KEY (account_id) REFERENCES platform.accounts (id) ON DELETE CASCADE;
CREATE POLICY projects_owner_select ON platform.projects FOR SELECT TO ${ROLE}
  USING (account_id = current_setting('app.account_id')::bigint);
GRANT UPDATE (name) ON platform.projects TO ${ROLE};
GRANT SELECT ON platform.accounts TO ${ROLE};
COMMENT ON TABLE platform.projects IS 'Projects';
ALTER TABLE platform.accounts ENABLE ROW LEVEL SECURITY;
CREATE FUNCTION platform.account_count() RETURNS bigint LANGUAGE sql STABLE BEGIN ATOMIC SELECT count(*) FROM platform.accounts; END;
CREATE PROCEDURE platform.archive(p_id integer) LANGUAGE sql AS $$ UPDATE platform.projects SET status = 'archived' WHERE id = p_id $$;
-- Default privileges apply to tables created later (not sequences), so this must follow the tables.
ALTER DEFAULT PRIVILEGES IN SCHEMA platform GRANT SELECT ON TABLES TO ${ROLE};
CREATE SEQUENCE platform.invoice_seq START 1000;
`;

async function snapshot(url: string, options?: SnapshotOptions, setup?: string): Promise<SchemaSnapshot> {
  return withClient(url, async (client) => {
    if (setup) await client.query(setup);
    return snapshotSchema(client, options);
  });
}

async function databaseWith(sql: string): Promise<string> {
  const { url } = await createTestDatabase('snap');
  await query(url, sql);
  return url;
}

/** Snapshots a base database, applies `change`, snapshots again: the verify/drift pattern. */
async function diffAfter(change: string, base = BASE()): Promise<SchemaDifference[]> {
  const url = await databaseWith(base);
  const before = await snapshot(url);
  await query(url, change);
  return diffSnapshots(before, await snapshot(url));
}

const brief = (diffs: SchemaDifference[]) => diffs.map((d) => [d.kind, d.identity, d.attribute]);

describe('snapshotSchema', () => {
  it('gives identical snapshots for the same schema built in different orders, settings and attnum gaps', async () => {
    const a = await databaseWith(BASE());
    const b = await databaseWith(BASE_REORDERED());
    const snapA = await snapshot(a);
    // Another session's search_path and output settings must not leak into definitions.
    const snapB = await snapshot(
      b,
      {},
      "SET search_path = platform, public; SET DateStyle = 'SQL, DMY'; SET TimeZone = 'Asia/Tokyo'",
    );
    expect(diffSnapshots(snapA, snapB)).toEqual([]);
    expect(snapB).toEqual(snapA);
    expect(JSON.stringify(snapB)).toBe(JSON.stringify(snapA));
    expect(snapA.objects['column platform.projects.tags']!.attributes.position).toBe(6);
  });

  it('uses the documented identity strings and attributes', async () => {
    const snap = await snapshot(await databaseWith(BASE()));
    const ids = Object.keys(snap.objects);
    for (const id of [
      'schema platform',
      'extension plpgsql',
      'enum platform.plan_tier',
      'domain platform.slug',
      'composite type platform.address',
      'table platform.projects',
      'table platform.events_2024',
      'column platform.projects.tags',
      'constraint platform.projects.projects_pkey',
      'constraint platform.projects.projects_account_id_fkey',
      'index platform.projects_account_idx',
      'index platform.events_2024_at_idx',
      'sequence platform.projects_id_seq',
      'sequence platform.accounts_id_seq',
      'sequence platform.invoice_seq',
      'view platform.active_projects',
      'function platform.touch_updated_at()',
      'function platform.account_count()',
      'procedure platform.archive(integer)',
      'trigger platform.projects.projects_touch',
      'policy platform.projects.projects_owner_select',
      `grant USAGE on schema platform to ${ROLE}`,
      `grant SELECT on platform.accounts to ${ROLE}`,
      `grant UPDATE (name) on platform.projects to ${ROLE}`,
      'revoke EXECUTE on function platform.touch_updated_at() from PUBLIC',
      'default privileges for role postgres in schema platform on tables',
    ]) {
      expect(ids, id).toContain(id);
    }
    // No OIDs anywhere, and catalog-internal objects (FK triggers, row types, array types) are not listed.
    expect(JSON.stringify(snap)).not.toMatch(/\boid\b|OID=/i);
    expect(ids.filter((id) => id.startsWith('trigger '))).toEqual(['trigger platform.projects.projects_touch']);
    expect(snap.objects['column platform.projects.tags']).toEqual({
      objectType: 'column',
      parent: 'table platform.projects',
      attributes: {
        collation: null,
        comment: 'Free-form tags',
        default: "'{}'::text[]",
        generated: null,
        identity: null,
        notNull: true,
        position: 6,
        type: 'text[]',
      },
    });
    expect(snap.objects['column platform.projects.code']!.attributes.generated).toBe(
      "GENERATED ALWAYS AS (('P-'::text || (id)::text)) STORED",
    );
    expect(snap.objects['sequence platform.projects_id_seq']!.attributes).toMatchObject({
      type: 'integer',
      increment: '1',
      max: '2147483647',
      ownedBy: 'platform.projects.id',
      identity: false,
    });
    expect(snap.objects['constraint platform.projects.projects_status_check']!.attributes).toMatchObject({
      validated: false,
    });
    expect(snap.objects['enum platform.plan_tier']!.attributes.labels).toEqual(['free', 'pro']);
    expect(snap.objects['policy platform.projects.projects_owner_select']!.attributes).toMatchObject({
      command: 'SELECT',
      permissive: true,
      roles: [ROLE],
      withCheck: null,
    });
  });

  it('leaves out excluded tracking tables with their sequences, indexes and grants, and excluded schemas', async () => {
    const url = await databaseWith(`${BASE()}
      CREATE TABLE platform.schema_migrations (id bigserial PRIMARY KEY, version text NOT NULL UNIQUE);
      GRANT SELECT ON platform.schema_migrations TO ${ROLE};
      CREATE SCHEMA scratch; CREATE TABLE scratch.t (id int);`);
    const all = Object.keys((await snapshot(url)).objects);
    expect(all.filter((id) => id.includes('schema_migrations')).length).toBeGreaterThanOrEqual(6);
    const kept = Object.keys(
      (await snapshot(url, { excludeTables: ['platform.schema_migrations'], excludeSchemas: ['scratch'] })).objects,
    );
    expect(kept.filter((id) => id.includes('schema_migrations') || id.includes('scratch'))).toEqual([]);
    expect(kept).toContain('table platform.projects');
  });

  it('leaves the session settings as they were, also inside a transaction', async () => {
    const url = await databaseWith(BASE());
    await withClient(url, async (client) => {
      await client.query("SET search_path = platform, public; SET DateStyle = 'SQL, DMY'");
      await client.query('BEGIN');
      await snapshotSchema(client);
      const { rows } = await client.query(
        "SELECT current_setting('search_path') AS p, current_setting('DateStyle') AS d",
      );
      await client.query('ROLLBACK');
      expect(rows[0]).toEqual({ p: 'platform, public', d: 'SQL, DMY' });
    });
  });

  it('reads ~200 tables with a fixed number of queries (set-based, never one per object)', async () => {
    const url = await databaseWith(`
      DO $$ BEGIN
        FOR i IN 1..200 LOOP
          EXECUTE format('CREATE TABLE t%s (id serial PRIMARY KEY, parent int REFERENCES t%s (id), name text NOT NULL DEFAULT %L, created timestamptz)',
                         i, greatest(i - 1, 1), 'n' || i);
          EXECUTE format('CREATE INDEX t%s_name_idx ON t%s (name)', i, i);
          EXECUTE format('COMMENT ON TABLE t%s IS %L', i, 'table ' || i);
        END LOOP;
      END $$;`);
    await withClient(url, async (client) => {
      const spy = vi.spyOn(client, 'query');
      const snap = await snapshotSchema(client);
      expect(spy.mock.calls.length).toBeLessThanOrEqual(4);
      const tables = Object.values(snap.objects).filter((o) => o.objectType === 'table');
      expect(tables).toHaveLength(200);
      expect(Object.keys(snap.objects).length).toBeGreaterThan(200 * 9);
    });
  });
});

describe('diffSnapshots', () => {
  const cases: Array<{ name: string; change: string; expected: Array<[string, string, string?]> }> = [
    {
      name: 'index added',
      change: 'CREATE INDEX projects_tags_idx ON platform.projects USING gin (tags)',
      expected: [['added', 'index platform.projects_tags_idx']],
    },
    {
      name: 'column type changed',
      change: 'ALTER TABLE platform.projects ALTER COLUMN name TYPE varchar(100)',
      expected: [['changed', 'column platform.projects.name', 'type']],
    },
    {
      name: 'column default changed',
      change: "ALTER TABLE platform.projects ALTER COLUMN status SET DEFAULT 'archived'",
      expected: [['changed', 'column platform.projects.status', 'default']],
    },
    {
      name: 'nullability changed',
      change: 'ALTER TABLE platform.projects ALTER COLUMN name DROP NOT NULL',
      expected: [['changed', 'column platform.projects.name', 'notNull']],
    },
    {
      name: 'constraint validated',
      change: 'ALTER TABLE platform.projects VALIDATE CONSTRAINT projects_status_check',
      expected: [['changed', 'constraint platform.projects.projects_status_check', 'validated']],
    },
    {
      name: 'constraint definition changed',
      change: `ALTER TABLE platform.projects DROP CONSTRAINT projects_status_check,
               ADD CONSTRAINT projects_status_check CHECK (status IN ('active', 'archived')) NOT VALID`,
      expected: [['changed', 'constraint platform.projects.projects_status_check', 'definition']],
    },
    {
      name: 'policy USING changed',
      change: 'ALTER POLICY projects_owner_select ON platform.projects USING (true)',
      expected: [['changed', 'policy platform.projects.projects_owner_select', 'using']],
    },
    {
      name: 'grant added',
      change: `GRANT INSERT ON platform.accounts TO ${ROLE}`,
      expected: [['added', `grant INSERT on platform.accounts to ${ROLE}`]],
    },
    {
      name: 'column grant revoked',
      change: `REVOKE UPDATE (name) ON platform.projects FROM ${ROLE}`,
      expected: [['removed', `grant UPDATE (name) on platform.projects to ${ROLE}`]],
    },
    {
      name: 'default privilege revoked',
      change: 'REVOKE USAGE ON TYPE platform.plan_tier FROM PUBLIC',
      expected: [['added', 'revoke USAGE on type platform.plan_tier from PUBLIC']],
    },
    {
      name: 'default privileges changed',
      change: `ALTER DEFAULT PRIVILEGES IN SCHEMA platform GRANT INSERT ON TABLES TO ${ROLE}`,
      expected: [['changed', 'default privileges for role postgres in schema platform on tables', 'grants']],
    },
    {
      name: 'function body changed',
      change: `CREATE OR REPLACE FUNCTION platform.touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := clock_timestamp();
  RETURN NEW;
END
$$`,
      expected: [['changed', 'function platform.touch_updated_at()', 'body']],
    },
    {
      name: 'function volatility changed',
      change: 'ALTER FUNCTION platform.account_count() VOLATILE',
      expected: [['changed', 'function platform.account_count()', 'volatility']],
    },
    {
      name: 'trigger added',
      change:
        'CREATE TRIGGER accounts_touch BEFORE UPDATE ON platform.accounts FOR EACH ROW EXECUTE FUNCTION platform.touch_updated_at()',
      expected: [['added', 'trigger platform.accounts.accounts_touch']],
    },
    {
      name: 'trigger disabled',
      change: 'ALTER TABLE platform.projects DISABLE TRIGGER projects_touch',
      expected: [['changed', 'trigger platform.projects.projects_touch', 'enabled']],
    },
    {
      name: 'enum value added',
      change: "ALTER TYPE platform.plan_tier ADD VALUE 'enterprise'",
      expected: [['changed', 'enum platform.plan_tier', 'labels']],
    },
    {
      name: 'domain constraint added',
      change: 'ALTER DOMAIN platform.slug ADD CONSTRAINT slug_len CHECK (length(VALUE) < 64)',
      expected: [['changed', 'domain platform.slug', 'constraints']],
    },
    {
      name: 'sequence increment changed',
      change: 'ALTER SEQUENCE platform.invoice_seq INCREMENT BY 5',
      expected: [['changed', 'sequence platform.invoice_seq', 'increment']],
    },
    {
      name: 'view definition changed',
      change:
        "CREATE OR REPLACE VIEW platform.active_projects AS SELECT id, status FROM platform.projects WHERE status <> 'deleted'",
      expected: [['changed', 'view platform.active_projects', 'definition']],
    },
    {
      name: 'materialized view added',
      change:
        'CREATE MATERIALIZED VIEW platform.project_counts AS SELECT account_id, count(*) AS n FROM platform.projects GROUP BY 1',
      // The schema's default privileges grant SELECT on new tables and views.
      expected: [
        ['added', 'materialized view platform.project_counts'],
        ['added', `grant SELECT on platform.project_counts to ${ROLE}`],
      ],
    },
    {
      name: 'RLS enabled',
      change: 'ALTER TABLE platform.projects ENABLE ROW LEVEL SECURITY',
      expected: [['changed', 'table platform.projects', 'rowSecurity']],
    },
    {
      name: 'RLS forced',
      change: 'ALTER TABLE platform.accounts FORCE ROW LEVEL SECURITY',
      expected: [['changed', 'table platform.accounts', 'forceRowSecurity']],
    },
    {
      name: 'table comment changed',
      change: "COMMENT ON TABLE platform.projects IS 'All projects'",
      expected: [['changed', 'table platform.projects', 'comment']],
    },
    {
      name: 'composite type changed',
      change: 'ALTER TYPE platform.address ADD ATTRIBUTE country text',
      expected: [['changed', 'composite type platform.address', 'attributes']],
    },
  ];

  it.for(cases)('names exactly the changed object and attribute: $name', async ({ change, expected }) => {
    const diffs = await diffAfter(change);
    expect(brief(diffs)).toEqual(expected.map(([kind, identity, attribute]) => [kind, identity, attribute]));
    expect(diffs.every((d) => d.severity === 'error')).toBe(true);
  });

  it('reports an added extension as one object, not its members', async ({ skip }) => {
    const available = await query<{ name: string }>(
      (await createTestDatabase('snap')).url,
      "SELECT name FROM pg_available_extensions WHERE name IN ('citext', 'pgcrypto') ORDER BY name",
    );
    if (available.length === 0) skip('neither citext nor pgcrypto is available in this PostgreSQL build');
    const name = available[0]!.name;
    const diffs = await diffAfter(`CREATE EXTENSION ${name} SCHEMA platform`);
    expect(brief(diffs)).toEqual([['added', `extension ${name}`, undefined]]);
    expect(diffs[0]!.after).toMatchObject({ schema: 'platform' });
  });

  it('treats a dropped and re-added column as the same column, differing only in position (info)', async () => {
    const diffs = await diffAfter(`
      ALTER TABLE platform.projects DROP COLUMN tags;
      ALTER TABLE platform.projects ADD COLUMN tags text[] NOT NULL DEFAULT '{}';
      COMMENT ON COLUMN platform.projects.tags IS 'Free-form tags';`);
    expect(diffs.length).toBeGreaterThan(0);
    expect(diffs.every((d) => d.severity === 'info' && d.attribute === 'position')).toBe(true);
    expect(diffs.find((d) => d.identity === 'column platform.projects.tags')).toMatchObject({ before: 6, after: 10 });
  });

  it('writes neutral, readable messages and a line diff for bodies', async () => {
    const diffs = await diffAfter(`
      ALTER TABLE platform.projects ALTER COLUMN name TYPE varchar(100);
      ALTER TABLE platform.projects DROP COLUMN tags;
      CREATE OR REPLACE FUNCTION platform.touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := clock_timestamp();
  RETURN NEW;
END
$$;`);
    const text = formatDifferences(diffs.filter((d) => d.severity === 'error'));
    expect(text.split('\n')).toEqual([
      'changed: column platform.projects.name: type text → character varying(100)',
      'removed: column platform.projects.tags (text[])',
      'changed: function platform.touch_updated_at(): body differs',
      '    \u0020 BEGIN',
      '    -   NEW.updated_at := now();',
      '    +   NEW.updated_at := clock_timestamp();',
      '    \u0020   RETURN NEW;',
    ]);
    expect(formatDifferences([])).toBe('');
  });

  it('lists a removed table with its parts, grouped under it', async () => {
    const diffs = await diffAfter('DROP TABLE platform.events');
    expect(diffs.map((d) => d.message)).toEqual([
      'removed: table platform.events',
      'removed: column platform.events.at (timestamp with time zone)',
      'removed: column platform.events.id (bigint)',
      'removed: column platform.events.payload (jsonb)',
      'removed: index platform.events_at_idx',
      'removed: table platform.events_2024',
      'removed: column platform.events_2024.at (timestamp with time zone)',
      'removed: column platform.events_2024.id (bigint)',
      'removed: column platform.events_2024.payload (jsonb)',
      'removed: index platform.events_2024_at_idx',
    ]);
  });
});
