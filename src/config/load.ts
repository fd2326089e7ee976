import { access, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { OgelError } from '../errors.js';
import { maskUrl } from '../db/url.js';
import type { OgelConfig } from './schema.js';

export const CONFIG_FILE_NAMES = [
  'ogel-migrate.config.json',
  'ogel-migrate.config.js',
  'ogel-migrate.config.mjs',
  'ogel-migrate.config.ts',
];

export interface LoadedConfig {
  config: OgelConfig;
  /** Absolute path of the file, or null when none was found (all defaults). */
  file: string | null;
  /** Relative paths in the file (dir, backupDir) resolve against this directory. */
  baseDir: string;
}

/** Walks up from `cwd` to the first directory holding a config file, like git, eslint and tsc do. */
export async function findConfigFile(cwd: string): Promise<string | null> {
  let dir = resolve(cwd);
  for (;;) {
    for (const name of CONFIG_FILE_NAMES) {
      const candidate = join(dir, name);
      if (await exists(candidate)) return candidate;
    }
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/** Loads and validates a config file; every problem is a CONFIG_INVALID error naming the key and the file. */
export async function loadConfig(cwd: string, explicitFile?: string): Promise<LoadedConfig> {
  const file = explicitFile ? resolve(cwd, explicitFile) : await findConfigFile(cwd);
  if (!file) return { config: {}, file: null, baseDir: resolve(cwd) };
  if (explicitFile && !(await exists(file)))
    throw new OgelError('CONFIG_INVALID', `Config file ${file} does not exist`, { file });
  const raw = await readRaw(file);
  // zod is loaded only when there is a file to validate: it is a third of the CLI's start-up time.
  const { configSchema } = await import('./schema.js');
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.flatMap((issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => ({ key: formatPath([...issue.path, key]), message: 'unknown key' }))
        : [{ key: formatPath(issue.path), message: issue.message }],
    );
    const list = issues.map((i) => `  ${i.key || '(root)'}: ${i.message}`).join('\n');
    throw new OgelError('CONFIG_INVALID', `Invalid config ${file}:\n${list}`, { file, issues });
  }
  return { config: parsed.data, file, baseDir: dirname(file) };
}

async function readRaw(file: string): Promise<unknown> {
  if (file.endsWith('.json')) {
    const text = await readFile(file, 'utf8');
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new OgelError('CONFIG_INVALID', `Config ${file} is not valid JSON: ${(error as Error).message}`, { file });
    }
  }
  try {
    if (file.endsWith('.ts') && typeof (globalThis as { Bun?: unknown }).Bun === 'undefined')
      return await importTypeScript(file);
    const module = (await import(pathToFileURL(file).href)) as { default?: unknown };
    return module.default ?? module;
  } catch (error) {
    if (error instanceof OgelError) throw error;
    // A syntax error or a throw while the module is evaluated: the file's fault, not ours.
    throw new OgelError(
      'CONFIG_INVALID',
      `Config ${file} could not be loaded: ${maskUrl((error as Error)?.message ?? String(error))}`,
      { file },
      { cause: error },
    );
  }
}

/**
 * Node 20 cannot import TypeScript. Rather than ship a loader, compile the one file with the project's own
 * `typescript` package (a TypeScript user has it), then import the result.
 */
async function importTypeScript(file: string): Promise<unknown> {
  let ts: typeof import('typescript');
  try {
    ts = (await import('typescript')).default;
  } catch {
    throw new OgelError(
      'CONFIG_INVALID',
      `${file}: loading a .ts config on Node needs the "typescript" package (npm i -D typescript), or use ogel-migrate.config.json`,
      { file },
    );
  }
  const source = await readFile(file, 'utf8');
  const output = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  const module = (await import(`data:text/javascript;base64,${Buffer.from(output).toString('base64')}`)) as {
    default?: unknown;
  };
  return module.default ?? module;
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.map((p) => String(p)).join('.');
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
