import { z } from 'zod';
import { OgelError } from '../errors.js';
import { MANIFEST_FORMAT } from './manifest.js';

/**
 * A manifest's shape, checked whenever one is read from a store. Its own module, loaded on first use: the
 * library's entry does not load zod.
 */
const appliedRow = z.object({
  version: z.string(),
  name: z.string(),
  checksum: z.string(),
  downChecksum: z.string().nullable(),
  kind: z.enum(['migration', 'baseline']),
  status: z.enum(['applied', 'failed', 'running']),
  appliedAt: z.string().nullable(),
  appliedBy: z.string(),
  executionMs: z.number().nullable(),
  error: z.string().nullable(),
});

/** What a fresh database must be given to be the original: pg_dump (without --create) does not carry these. */
export const databaseProps = z.object({
  name: z.string(),
  /** host:port of the server backed up. */
  server: z.string(),
  owner: z.string(),
  encoding: z.string(),
  collate: z.string(),
  ctype: z.string(),
  /** pg_database.datlocprovider: `c` (libc), `i` (ICU), `b` (builtin, 17+). */
  localeProvider: z.string(),
  iculocale: z.string().nullable(),
  /** datacl as aclitem texts; null means the default privileges. */
  acl: z.array(z.string()).nullable(),
  /** ALTER DATABASE … SET and ALTER ROLE … IN DATABASE … SET, as pg_db_role_setting holds them. */
  settings: z.array(z.object({ role: z.string().nullable(), setting: z.string() })),
  comment: z.string().nullable(),
});

/** Owner and privileges of each schema at backup time: what a restore checks and puts back. */
const schemaAccess = z.object({ name: z.string(), owner: z.string(), acl: z.array(z.string()).nullable() });

const manifestSchema = z.object({
  format: z.literal(MANIFEST_FORMAT),
  id: z.string().regex(/^[\w.-]{1,80}$/),
  createdAt: z.string(),
  durationMs: z.number(),
  reason: z.string(),
  actor: z.string(),
  environment: z.string().nullable(),
  database: databaseProps,
  schemas: z.array(schemaAccess),
  serverVersion: z.string(),
  pgDumpVersion: z.string(),
  /** The tracking state inside the dump's snapshot: the version it holds, and the newest event it holds. */
  tracking: z.object({
    version: z.string().nullable(),
    applied: z.array(appliedRow),
    lastEvent: z.object({ id: z.number(), occurredAt: z.string() }).nullable(),
  }),
  dump: z.object({
    file: z.string(),
    format: z.literal('custom'),
    sizeBytes: z.number().int().nonnegative(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    /** Entries in the dump's table of contents (for restore progress); null when pg_restore was not at hand. */
    objects: z.number().int().nullable(),
  }),
});

export type BackupManifest = z.infer<typeof manifestSchema>;
export type DatabaseProps = z.infer<typeof databaseProps>;
export type SchemaAccess = z.infer<typeof schemaAccess>;

/** Reads a manifest; anything else (not JSON, another format, a field missing) is refused naming `where`. */
export function parseManifest(text: string, where: string): BackupManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new OgelError('STORE_FAILED', `${where} is not JSON: not a backup manifest`, { object: where });
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ');
    throw new OgelError('STORE_FAILED', `${where} is not a backup manifest of this version: ${problems}`, {
      object: where,
    });
  }
  return parsed.data;
}
