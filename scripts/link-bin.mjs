// `npx ogel-migrate` inside this checkout: npx looks in node_modules/.bin first. Without a link there it copies
// the whole package into its own cache and builds it again on the first run (25 s here) and starts npm on every
// run after. Installed elsewhere (from a tarball or git), npm links the bin itself and this does nothing.
import { existsSync, mkdirSync, symlinkSync, unlinkSync, lstatSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const binDir = join(root, 'node_modules', '.bin');
if (existsSync(join(root, 'node_modules'))) {
  mkdirSync(binDir, { recursive: true });
  const link = join(binDir, 'ogel-migrate');
  try {
    if (lstatSync(link)) unlinkSync(link);
  } catch {
    // no link yet
  }
  symlinkSync(relative(binDir, join(root, 'bin', 'ogel-migrate.js')), link);
}
