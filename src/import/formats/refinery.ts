import type { PeerFormat } from '../types.js';
import { readFlyway } from './flyway.js';

/** refinery: `V1__create_users.sql` (and `U2__…`, "unversioned", applied in order), found in sub-folders too. */
export const refineryFormat: PeerFormat = {
  // Its names are a subset of Flyway's: detected as Flyway, chosen with --from refinery.
  detect: () => false,
  read: (files, options) => readFlyway(files, options, 'refinery'),
};
