import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { sortByVersion } from '../core/version.js';
import { withClient } from '../db/connect.js';
import { OgelError } from '../errors.js';
import { ensureParser } from '../sql/parser.js';
import { duplicateVersions, problem } from './names.js';
import { readPeerTree } from './read-tree.js';
import { formatImportReport } from './report.js';
import { peerTool } from './tools.js';
import { markOwnTransactions } from './transactions.js';
import type { ImportLayout, ImportProblem, PeerFile, PeerHistory, PeerTool, ReadOptions } from './types.js';
import { outputFiles, type OutputFile } from './write.js';

export interface ImportOptions extends ReadOptions {
  /** Take over the peer's history from this database: baseline exactly what its tracking table recorded. */
  databaseUrl?: string;
  /**
   * Records the peer's applied versions as baselines in our tracking table, once the files are written: the
   * caller passes the application layer's guarded baseline, so a protected environment's confirmation and the
   * actor apply to a takeover as to any baseline. Required with `databaseUrl`.
   */
  baseline?: (request: { versions: string[]; details: Record<string, unknown> }) => Promise<{
    baselined: Array<{ version: string }>;
  }>;
  /** Write into a non-empty output directory. */
  force?: boolean;
}

export interface ImportResult {
  tool: string;
  from: string;
  out: string;
  files: Array<Omit<OutputFile, 'bytes'>>;
  skipped: ImportLayout['skipped'];
  problems: ImportProblem[];
  /** Set when `adopt` recognised the tool's layout and imported it. */
  detected?: string;
  /** With a database: the peer's table, and what was recorded as applied (kind baseline) and what was not. */
  takeover?: { table: string; baselined: string[]; pending: string[] };
}

/**
 * `ogel-migrate import --from TOOL SRC --out DIR [--database-url URL]`: writes the peer's migrations in our
 * layout (their bytes unchanged), IMPORT.md, and, with a database, records as applied exactly what the peer's
 * own tracking table says ran — leaving that table as it is. The source is only read. Everything that can
 * refuse (a dirty peer state, a recorded migration without a file) does so before anything is written.
 */
export async function importProject(
  toolId: string,
  from: string,
  out: string,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const tool = peerTool(toolId);
  const source = resolve(from);
  const target = resolve(out);
  const files = await readPeerTree(source);
  const existing = await readdir(target).catch(() => []);
  if (existing.length > 0 && !options.force)
    throw new OgelError('USAGE', `--out ${target} is not empty; choose a new directory (or --force to write into it)`);
  const layout = await planImport(tool, files, options, source);
  const takeover = options.databaseUrl ? await mapHistory(tool, layout, options.databaseUrl) : undefined;
  const output = outputFiles(layout);
  for (const file of output) {
    const path = join(target, file.target);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, file.bytes);
  }
  await mkdir(target, { recursive: true });
  const result: ImportResult = {
    tool: tool.id,
    from: source,
    out: target,
    files: output.map(({ bytes: _bytes, ...rest }) => rest),
    skipped: layout.skipped,
    problems: [...layout.problems, ...(takeover?.history.problems ?? [])],
  };
  if (takeover) {
    if (!options.baseline) throw new OgelError('INTERNAL', 'importProject: a takeover needs the baseline operation');
    const { baselined } = await options.baseline({
      versions: takeover.versions,
      details: { peer: tool.id, peerTable: takeover.history.table },
    });
    const recorded = new Set(takeover.versions);
    result.takeover = {
      table: takeover.history.table,
      baselined: baselined.map((b) => b.version),
      pending: [...layout.migrations.map((m) => m.version), ...layout.repeatables.map((r) => `R_${r.name}`)].filter(
        (v) => !recorded.has(v),
      ),
    };
  }
  await writeFile(join(target, 'IMPORT.md'), formatImportReport(result, 'markdown'));
  return result;
}

/** The peer's tree read as its tool's layout, checked (transactions, duplicates). Pure but for the parser. */
export async function planImport(
  tool: PeerTool,
  files: readonly PeerFile[],
  options: ReadOptions,
  source: string,
): Promise<ImportLayout> {
  const layout = tool.format.read(files, options);
  if (
    layout.migrations.length === 0 &&
    layout.repeatables.length === 0 &&
    !layout.problems.some((p) => p.severity === 'error')
  )
    throw new OgelError('USAGE', `No ${tool.title} migrations in ${source} (they usually live in ${tool.usualDir}/)`, {
      tool: tool.id,
    });
  sortByVersion(layout.migrations);
  layout.repeatables.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  await ensureParser();
  markOwnTransactions(layout);
  duplicateVersions(layout);
  layout.problems = dedupe(layout.problems);
  return layout;
}

/** The peer's history as our versions; a recorded migration without a file refuses the import. */
async function mapHistory(
  tool: PeerTool,
  layout: ImportLayout,
  databaseUrl: string,
): Promise<{ history: PeerHistory; versions: string[] }> {
  if (!tool.history) throw new OgelError('USAGE', `${tool.title} keeps no tracking table import can read`);
  const history = await withClient(databaseUrl, (client) => tool.history!(client, layout), {
    purpose: `${tool.title} history`,
  });
  const byPeerId = new Map(layout.migrations.map((m) => [m.peerId, m.version]));
  const versions: string[] = [];
  const unknown: string[] = [];
  for (const id of history.applied) {
    const version = byPeerId.get(id);
    if (version === undefined) unknown.push(id);
    else versions.push(version);
  }
  if (unknown.length > 0)
    throw new OgelError(
      'MISSING_MIGRATION_FILE',
      `${history.table} records ${unknown.join(', ')} as applied, but the ${tool.title} source has no such migration. ` +
        'Restore the files (check the source directory and branch), then import again. Nothing was written.',
      { table: history.table, peerIds: unknown },
    );
  for (const id of history.appliedRepeatables ?? []) {
    const repeatable = layout.repeatables.find((r) => r.peerId === id);
    if (repeatable) versions.push(`R_${repeatable.name}`);
  }
  history.problems.push(
    problem(
      history.table,
      'info',
      'taken-over',
      `${history.applied.length} applied migration(s) recorded as baseline; the table itself is left as it is`,
    ),
  );
  return { history, versions };
}

function dedupe(problems: ImportProblem[]): ImportProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.file}\u0000${p.code}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
