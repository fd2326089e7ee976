import { isAbsolute, relative, resolve, sep } from 'node:path';

/**
 * How GitHub names a migration file in an annotation: its path from the repository's root (GITHUB_WORKSPACE
 * in Actions, else the working directory), with forward slashes. A bare file name attaches to no file of the
 * pull request.
 */
export function githubPath(env: NodeJS.ProcessEnv, cwd: string, dir: string): (file: string) => string {
  const root = env.GITHUB_WORKSPACE ?? cwd;
  const folder = isAbsolute(dir) ? dir : resolve(cwd, dir);
  return (file) => {
    const path = relative(root, resolve(folder, file));
    return path.split(sep).join('/');
  };
}
