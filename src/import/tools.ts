import { OgelError } from '../errors.js';
import { dbmateFormat } from './formats/dbmate.js';
import { dieselFormat } from './formats/diesel.js';
import { flywayFormat } from './formats/flyway.js';
import { golangMigrateFormat } from './formats/golang-migrate.js';
import { graphileMigrateFormat } from './formats/graphile-migrate.js';
import { knexFormat } from './formats/knex.js';
import { nodePgMigrateFormat } from './formats/node-pg-migrate.js';
import { popFormat } from './formats/pop.js';
import { postgresMigrationsFormat } from './formats/postgres-migrations.js';
import { prismaFormat } from './formats/prisma.js';
import { refineryFormat } from './formats/refinery.js';
import { sqitchFormat } from './formats/sqitch.js';
import { sqlxFormat } from './formats/sqlx.js';
import { supabaseFormat } from './formats/supabase.js';
import { readDbmateHistory } from './history/dbmate.js';
import { readDieselHistory } from './history/diesel.js';
import { readFlywayHistory } from './history/flyway.js';
import { readGolangMigrateHistory } from './history/golang-migrate.js';
import { readGraphileMigrateHistory } from './history/graphile-migrate.js';
import { readKnexHistory } from './history/knex.js';
import { readNodePgMigrateHistory } from './history/node-pg-migrate.js';
import { readPopHistory } from './history/pop.js';
import { readPostgresMigrationsHistory } from './history/postgres-migrations.js';
import { readPrismaHistory } from './history/prisma.js';
import { readRefineryHistory } from './history/refinery.js';
import { readSqitchHistory } from './history/sqitch.js';
import { readSqlxHistory } from './history/sqlx.js';
import { readSupabaseHistory } from './history/supabase.js';
import type { PeerFile, PeerTool } from './types.js';

/**
 * Every tool `import --from` reads: a new one is a format file, a history file and a line here. Ordered for
 * detection, most distinctive layout first (a plain `<version>_<name>.sql` directory fits several).
 */
export const PEER_TOOLS: readonly PeerTool[] = [
  { id: 'sqitch', title: 'Sqitch', format: sqitchFormat, history: readSqitchHistory, usualDir: '.' },
  {
    id: 'prisma',
    title: 'Prisma Migrate',
    format: prismaFormat,
    history: readPrismaHistory,
    usualDir: 'prisma/migrations',
  },
  { id: 'diesel', title: 'diesel', format: dieselFormat, history: readDieselHistory, usualDir: 'migrations' },
  {
    id: 'flyway',
    title: 'Flyway',
    format: flywayFormat,
    history: readFlywayHistory,
    usualDir: 'src/main/resources/db/migration',
  },
  {
    id: 'graphile-migrate',
    title: 'graphile-migrate',
    format: graphileMigrateFormat,
    history: readGraphileMigrateHistory,
    usualDir: 'migrations/committed',
  },
  { id: 'knex', title: 'knex', format: knexFormat, history: readKnexHistory, usualDir: 'migrations' },
  { id: 'dbmate', title: 'dbmate', format: dbmateFormat, history: readDbmateHistory, usualDir: 'db/migrations' },
  {
    id: 'node-pg-migrate',
    title: 'node-pg-migrate',
    format: nodePgMigrateFormat,
    history: readNodePgMigrateHistory,
    usualDir: 'migrations',
  },
  {
    id: 'postgres-migrations',
    title: 'postgres-migrations',
    format: postgresMigrationsFormat,
    history: readPostgresMigrationsHistory,
    usualDir: 'migrations',
  },
  {
    id: 'supabase',
    title: 'Supabase CLI',
    format: supabaseFormat,
    history: readSupabaseHistory,
    usualDir: 'supabase/migrations',
  },
  { id: 'pop', title: 'pop (soda)', format: popFormat, history: readPopHistory, usualDir: 'migrations' },
  {
    id: 'golang-migrate',
    title: 'golang-migrate',
    format: golangMigrateFormat,
    history: readGolangMigrateHistory,
    usualDir: 'migrations',
  },
  { id: 'sqlx', title: 'sqlx', format: sqlxFormat, history: readSqlxHistory, usualDir: 'migrations' },
  { id: 'refinery', title: 'refinery', format: refineryFormat, history: readRefineryHistory, usualDir: 'migrations' },
];

export function peerTool(id: string): PeerTool {
  const tool = PEER_TOOLS.find((t) => t.id === id.toLowerCase());
  if (!tool)
    throw new OgelError('USAGE', `--from ${id}: not a tool import knows (${PEER_TOOLS.map((t) => t.id).join(', ')})`, {
      tools: PEER_TOOLS.map((t) => t.id),
    });
  return tool;
}

/** The tool whose layout `files` are, or null (adopt then treats the directory as hand-kept). */
export function detectPeerTool(files: readonly PeerFile[]): PeerTool | null {
  return PEER_TOOLS.find((tool) => tool.format.detect(files)) ?? null;
}
