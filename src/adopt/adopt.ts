import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { OgelError } from '../errors.js';
import { ensureParser } from '../sql/parser.js';
import { planAdoption, type AdoptOptions, type AdoptPlan, type LegacyFile } from './analyze.js';
import { formatAdoptReport } from './report.js';

export interface AdoptResult extends AdoptPlan {
  from: string;
  out: string;
}

/**
 * `ogel-migrate adopt <legacy-dir> --out <dir>`: writes a clean migrations directory, the files it moved aside
 * under `_aside/`, and ADOPTION.md (the report). The legacy directory is only read.
 */
export async function adoptDirectory(
  from: string,
  out: string,
  options: AdoptOptions & { force?: boolean } = {},
): Promise<AdoptResult> {
  const source = resolve(from);
  const target = resolve(out);
  const files = await readTree(source);
  const existing = await readdir(target).catch(() => []);
  if (existing.length > 0 && !options.force)
    throw new OgelError('USAGE', `--out ${target} is not empty; choose a new directory (or --force to write into it)`);
  await ensureParser();
  const plan = planAdoption(files, options);
  for (const entry of plan.entries) {
    if (entry.disposition.kind === 'not-copied' || entry.content === undefined) continue;
    const path = join(target, entry.disposition.target);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, entry.content);
  }
  await mkdir(target, { recursive: true });
  const result = { from: source, out: target, ...plan };
  await writeFile(join(target, 'ADOPTION.md'), formatAdoptReport(result, 'markdown'));
  return result;
}

async function readTree(root: string, dir = root): Promise<LegacyFile[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    throw new OgelError('USAGE', `Legacy directory ${dir} does not exist or cannot be read`);
  }
  const files: LegacyFile[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await readTree(root, path)));
    else if (entry.isFile()) files.push({ name: relative(root, path), content: await readFile(path, 'utf8') });
  }
  return files;
}
