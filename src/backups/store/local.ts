import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { OgelError } from '../../errors.js';
import type { BackupStore, LocalCopy, StoreLeftover } from './store.js';

const PARTIAL_SUFFIX = '.partial';

/** A folder of dumps and manifests. The folder is 0700 and every file 0600: dumps hold every row. */
export class LocalStore implements BackupStore {
  constructor(readonly location: string) {}

  locate(name: string): string {
    return join(this.location, name);
  }

  async list(): Promise<string[]> {
    try {
      return (await readdir(this.location, { withFileTypes: true }))
        .filter((entry) => entry.isFile() && !entry.name.startsWith('.'))
        .map((entry) => entry.name);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw this.failed('list', error);
    }
  }

  async get(name: string): Promise<Readable> {
    const path = this.locate(name);
    await this.mustExist(name);
    return createReadStream(path);
  }

  async put(name: string, body: Readable): Promise<void> {
    await this.ensureFolder();
    // Written beside its final name and renamed when complete: a killed backup never looks like a whole one.
    const partial = join(this.location, `.${name}${PARTIAL_SUFFIX}`);
    try {
      await pipeline(body, createWriteStream(partial, { mode: 0o600 }));
      await rename(partial, this.locate(name));
    } catch (error) {
      await rm(partial, { force: true });
      if (error instanceof OgelError) throw error;
      if ((error as NodeJS.ErrnoException).syscall) throw this.failed(`write ${name} in`, error);
      throw error;
    }
  }

  async size(name: string): Promise<number | null> {
    try {
      return (await stat(this.locate(name))).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw this.failed('read', error);
    }
  }

  async remove(name: string): Promise<void> {
    await rm(this.locate(name), { force: true }).catch((error) => {
      throw this.failed(`remove ${name} from`, error);
    });
  }

  async leftovers(): Promise<StoreLeftover[]> {
    let names: string[];
    try {
      names = (await readdir(this.location)).filter((n) => n.startsWith('.') && n.endsWith(PARTIAL_SUFFIX));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw this.failed('list', error);
    }
    const found: StoreLeftover[] = [];
    for (const file of names) {
      const path = join(this.location, file);
      // Gone meanwhile: its write finished (renamed) or failed (removed).
      const info = await stat(path).catch(() => null);
      if (info?.isFile())
        found.push({ name: file.slice(1, -PARTIAL_SUFFIX.length), path, sizeBytes: info.size, modifiedAt: info.mtime });
    }
    return found;
  }

  async removeLeftover(leftover: StoreLeftover): Promise<void> {
    await rm(leftover.path, { force: true }).catch((error) => {
      throw this.failed(`remove ${leftover.path} from`, error);
    });
  }

  async localCopy(name: string): Promise<LocalCopy> {
    await this.mustExist(name);
    return { path: this.locate(name), downloaded: false, release: async () => {} };
  }

  private async mustExist(name: string): Promise<void> {
    if ((await this.size(name)) === null)
      throw new OgelError('NOT_FOUND', `${this.locate(name)} is not in the backup store`, { object: name });
  }

  private async ensureFolder(): Promise<void> {
    try {
      await mkdir(this.location, { recursive: true, mode: 0o700 });
      // mkdir's mode is masked by the umask, and an existing folder keeps whatever it had.
      await chmod(this.location, 0o700);
    } catch (error) {
      throw this.failed('create', error);
    }
  }

  private failed(what: string, error: unknown): OgelError {
    return new OgelError(
      'STORE_FAILED',
      `Cannot ${what} the backup folder ${this.location}: ${(error as Error).message}`,
      { store: this.location },
      { cause: error },
    );
  }
}
