import type { EnvironmentInfo } from '../api.js';

/** The marks an environment carries wherever it is named: protected, and read-only for this token. */
export function EnvBadges({ info }: { info: Pick<EnvironmentInfo, 'protected' | 'writable'> }) {
  return (
    <>
      {info.protected && (
        <span class="badge protected" title="Changes need its name typed back and take a backup first">
          protected
        </span>
      )}
      {!info.writable && (
        <span class="badge readonly" title="This token may look but not change it">
          read-only
        </span>
      )}
    </>
  );
}
