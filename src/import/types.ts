import type pg from 'pg';

/** One file of the peer's tree: its path relative to the source directory (`/`-separated) and exact bytes. */
export interface PeerFile {
  path: string;
  bytes: Buffer;
}

/** A versioned migration in our layout, built from the peer's files. */
export interface ImportedMigration {
  version: string;
  name: string;
  /** The peer's bytes of the up script, exactly (a dbmate or node-pg-migrate file: its up section). */
  up: Buffer;
  down?: Buffer;
  /** Why it must run outside a transaction (the peer's directive, or its own BEGIN/COMMIT); undefined: in one. */
  noTransaction?: string;
  downNoTransaction?: string;
  /** How the peer's tracking table names it (golang-migrate's version, pgmigrations' name, Sqitch's change…). */
  peerId: string;
  /** The peer's own checksum of its file, as its tracking table records it (Flyway's CRC32, Prisma's sha256…). */
  peerChecksum?: string;
  /** The peer files it came from, for the report. */
  sources: string[];
}

/** A repeatable migration (Flyway's R__): `R_<name>.sql`. */
export interface ImportedRepeatable {
  name: string;
  up: Buffer;
  noTransaction?: string;
  peerId: string;
  peerChecksum?: string;
  sources: string[];
}

/** A script kept beside the migrations but never run by migrate (Sqitch's verify scripts). */
export interface ImportedCheck {
  /** Path under the output directory, e.g. `_checks/001_appschema.verify.sql`. */
  target: string;
  bytes: Buffer;
  sources: string[];
}

export interface ImportProblem {
  file: string;
  /** `error`: a human must decide before this directory is used; the command exits 1. */
  severity: 'error' | 'warning' | 'info';
  code: string;
  message: string;
  /** The flag or command that settles it. */
  decideWith?: string;
}

/** What a peer's tree becomes. Pure data: nothing has been written yet. */
export interface ImportLayout {
  migrations: ImportedMigration[];
  repeatables: ImportedRepeatable[];
  checks: ImportedCheck[];
  problems: ImportProblem[];
  /** Peer files that are not part of any migration and why (configuration, seeds, other dialects). */
  skipped: Array<{ file: string; reason: string }>;
  /** The peer's project name, where its tracking table holds several (Sqitch's `%project`). */
  project?: string;
}

export interface ReadOptions {
  /** Flyway `${placeholders}`: their values, replaced in the imported bytes (which then differ, and say so). */
  placeholders?: Record<string, string>;
}

/** Reads one peer tool's layout. Pure. */
export interface PeerFormat {
  /** Whether `files` look like this tool's layout (for adopt's auto-detection). */
  detect(files: readonly PeerFile[]): boolean;
  read(files: readonly PeerFile[], options: ReadOptions): ImportLayout;
}

/** What the peer's own tracking table says was applied. */
export interface PeerHistory {
  /** The table it was read from, e.g. `public.schema_migrations`. */
  table: string;
  /** Peer ids (see ImportedMigration.peerId) the peer applied, in its order. */
  applied: string[];
  /** Repeatable migrations' peer ids whose current file the peer applied as it is now. */
  appliedRepeatables?: string[];
  problems: ImportProblem[];
}

/**
 * Reads a peer's tracking table on a live database, read-only. A dirty or failed peer state throws
 * PEER_STATE_DIRTY naming what to do; a database without the table throws NOT_FOUND.
 */
export type PeerHistoryReader = (client: pg.ClientBase, layout: ImportLayout) => Promise<PeerHistory>;

/** One tool `import --from` knows: its layout and, where it has one, its tracking table. */
export interface PeerTool {
  id: string;
  title: string;
  format: PeerFormat;
  history?: PeerHistoryReader;
  /** The layout's usual place in a project, for the README and messages (`db/migrations`). */
  usualDir: string;
}
