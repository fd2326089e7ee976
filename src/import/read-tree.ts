import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { OgelError } from '../errors.js';
import type { PeerFile } from './types.js';

/** Folders no migration lives in. */
const NEVER = new Set(['.git', 'node_modules', 'target', 'vendor', '.venv']);

/** Every file under `root` with its exact bytes; paths relative to `root`, `/`-separated. Read-only. */
export async function readPeerTree(root: string, dir = root): Promise<PeerFile[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    throw new OgelError('USAGE', `Source directory ${dir} does not exist or cannot be read`, { dir }, { cause: error });
  }
  const files: PeerFile[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (NEVER.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await readPeerTree(root, path)));
    else if (entry.isFile())
      files.push({ path: relative(root, path).split(sep).join('/'), bytes: await readFile(path) });
  }
  return files;
}
