import { readPeerTree } from '../import/read-tree.js';
import { detectPeerTool } from '../import/tools.js';
import type { PeerTool } from '../import/types.js';

/**
 * Whether a directory handed to `adopt` is really another tool's layout (golang-migrate's `.up.sql`/`.down.sql`
 * pairs, dbmate's sections, diesel's directories, …). Adopting one as hand-kept files would turn every down
 * into a forward migration; it is imported as that tool's instead.
 */
export async function detectToolLayout(dir: string): Promise<PeerTool | null> {
  return detectPeerTool(await readPeerTree(dir));
}
