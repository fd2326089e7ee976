import { readFile } from 'node:fs/promises';
import type { LoadedConfig } from '../config/load.js';
import { resolveSecretReference } from '../config/resolve.js';
import { withClient } from '../db/connect.js';
import { databaseNameOf, describeUrl, maskUrl, validateDatabaseUrl } from '../db/url.js';
import { OgelError } from '../errors.js';
import type { FleetMember } from './fleet.js';
import { parseTargetsFile } from './targets-file.js';

/** Where a fleet's targets come from (src/config/fleet-schema.ts); `key` names the config key in errors. */
export type FleetSource =
  | { kind: 'list'; key: string; targets: Array<string | { name: string; databaseUrl: string }> }
  | { kind: 'file'; file: string }
  | { kind: 'query'; key: string; databaseUrl: string; sql: string }
  | { kind: 'schemas'; key: string; databaseUrl: string; literalUrl: boolean; list?: string[]; query?: string };

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** A target before names are settled: an explicit name, or one derived from its URL. */
interface Found {
  name?: string;
  databaseUrl: string;
  schema?: string;
  /** Extra columns of a query: placeholders of this target. */
  values?: Record<string, string>;
  /** Where it was listed, for errors: `tenants.txt:4`, `row 12`. */
  where: string;
}

/**
 * Reads a fleet's targets now, in the source's order. Every problem (a bad URL, a name listed twice, a query
 * that returns the wrong columns) is a CONFIG_INVALID naming where it is, never a URL's password.
 */
export async function resolveMembers(
  source: FleetSource,
  placeholders: Record<string, string>,
  loaded: LoadedConfig,
  env: NodeJS.ProcessEnv,
): Promise<FleetMember[]> {
  // No targets is a state, not an error: a platform's first tenant may not exist yet.
  const found = await find(source, loaded, env);
  return settleNames(found).map((f) => ({
    name: f.name!,
    databaseUrl: f.databaseUrl,
    schema: f.schema ?? null,
    // The fleet's values, the target's own over them, and the built-ins over both.
    values: {
      ...placeholders,
      ...f.values,
      target: f.name!,
      database: databaseNameOf(f.databaseUrl),
      ...(f.schema ? { schema: f.schema } : {}),
    },
  }));
}

async function find(source: FleetSource, loaded: LoadedConfig, env: NodeJS.ProcessEnv): Promise<Found[]> {
  switch (source.kind) {
    case 'list':
      return source.targets.map((entry, index) => {
        const where = `${source.key}.${index}`;
        const given = typeof entry === 'string' ? { databaseUrl: entry } : entry;
        const url = checkedUrl(resolveSecretReference(given.databaseUrl, where, loaded, env), where);
        return { ...(typeof entry === 'string' ? {} : { name: entry.name }), databaseUrl: url, where };
      });
    case 'file': {
      let text: string;
      try {
        text = await readFile(source.file, 'utf8');
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new OgelError('CONFIG_INVALID', `Targets file ${source.file} cannot be read (${code})`, {
          file: source.file,
        });
      }
      return parseTargetsFile(source.file, text).map((line) => ({
        ...(line.name !== undefined ? { name: line.name } : {}),
        databaseUrl: checkedUrl(line.url, line.where),
        where: line.where,
      }));
    }
    case 'query': {
      const control = checkedUrl(resolveSecretReference(source.databaseUrl, `${source.key}.databaseUrl`, loaded, env));
      const rows = await queryRows(control, source.sql, source.key, "the fleet's control database");
      return rows.map((row, index) => {
        const where = `${source.key}: row ${index + 1}`;
        const { name, url, ...rest } = row;
        if (typeof name !== 'string' || typeof url !== 'string' || name === '') {
          throw new OgelError(
            'CONFIG_INVALID',
            `${where}: the query must return text columns "name" and "url" (got ${Object.keys(row).join(', ')})`,
            { key: source.key, row: index + 1 },
          );
        }
        return { name, databaseUrl: checkedUrl(url, `${where} (${name})`), values: textValues(rest), where };
      });
    }
    case 'schemas': {
      const url = checkedUrl(
        source.literalUrl
          ? source.databaseUrl
          : resolveSecretReference(source.databaseUrl, `${source.key}.databaseUrl`, loaded, env),
      );
      const listed = source.list
        ? source.list.map((schema, index) => ({ schema, values: {}, where: `${source.key}.list.${index}` }))
        : (await queryRows(url, source.query!, source.key, 'the database of the schemas')).map((row, index) => {
            const { schema, ...rest } = row;
            return { schema, values: textValues(rest), where: `${source.key}: row ${index + 1}` };
          });
      return listed.map(({ schema, values, where }) => {
        if (typeof schema !== 'string' || !SCHEMA_NAME.test(schema)) {
          throw new OgelError(
            'CONFIG_INVALID',
            `${where}: ${typeof schema === 'string' ? `"${schema}" is not a plain schema name (lower-case letters, digits, _)` : 'the query must return a text column "schema"'}`,
            { key: source.key },
          );
        }
        return { name: schema, databaseUrl: url, schema, values, where };
      });
    }
  }
}

/**
 * Targets without a name of their own are named after their database; where two share a database name (two
 * servers), after host and database. A name listed twice is refused: it would be two targets sharing one lock.
 */
function settleNames(found: Found[]): Found[] {
  const byDatabase = new Map<string, number>();
  for (const f of found)
    if (f.name === undefined) {
      const db = databaseNameOf(f.databaseUrl);
      byDatabase.set(db, (byDatabase.get(db) ?? 0) + 1);
    }
  const named = found.map((f) => {
    if (f.name !== undefined) return f;
    const db = databaseNameOf(f.databaseUrl);
    return { ...f, name: byDatabase.get(db)! > 1 ? describeUrl(f.databaseUrl) : db };
  });
  const seen = new Map<string, string>();
  const twice: string[] = [];
  for (const f of named) {
    const first = seen.get(f.name!);
    if (first !== undefined) twice.push(`${f.name} (${first} and ${f.where})`);
    else seen.set(f.name!, f.where);
  }
  if (twice.length > 0) {
    throw new OgelError('CONFIG_INVALID', `Targets listed twice: ${twice.join(', ')}`, { names: twice });
  }
  return named;
}

function checkedUrl(url: string, where?: string): string {
  try {
    return validateDatabaseUrl(url);
  } catch (error) {
    if (!(error instanceof OgelError) || where === undefined) throw error;
    throw new OgelError('CONFIG_INVALID', `${where}: ${error.message}`, { ...error.details, where });
  }
}

async function queryRows(
  url: string,
  sql: string,
  key: string,
  purpose: string,
): Promise<Array<Record<string, unknown>>> {
  return withClient(
    url,
    async (client) => {
      try {
        return (await client.query<Record<string, unknown>>(sql)).rows;
      } catch (error) {
        throw new OgelError('CONFIG_INVALID', `${key}: the query failed: ${maskUrl((error as Error).message)}`, {
          key,
          sqlState: (error as { code?: string }).code ?? null,
        });
      }
    },
    { purpose, applicationName: 'ogel-migrate fleet' },
  );
}

/** Extra columns as placeholder values: text as is, numbers and booleans as written; NULL is no value. */
function textValues(row: Record<string, unknown>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(row)) {
    if (value === null || value === undefined || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) continue;
    values[key] = value instanceof Date ? value.toISOString() : String(value);
  }
  return values;
}
