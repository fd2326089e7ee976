import { useEffect, useState } from 'preact/hooks';
import {
  api,
  type Backup,
  type BackupsResponse,
  type EnvironmentInfo,
  type EnvironmentSummary,
  type ResponseOf,
} from '../api.js';
import type { EnvState } from '../store.js';
import type { Track } from '../track.js';
import { StepsInput } from './StepsInput.js';
import { ReviewDialog, type Operation } from './ReviewDialog.js';

/**
 * The changes a token that may write this environment can make. Each opens the review dialog; nothing changes
 * before its Confirm. Buttons wait while an action of this environment runs; other environments stay free.
 */
export function Actions({
  info,
  summary,
  state,
  track,
}: {
  info: EnvironmentInfo;
  summary: EnvironmentSummary | null;
  state: EnvState;
  track: Track;
}) {
  const env = info.name;
  const [op, setOp] = useState<Operation | null>(null);
  const [steps, setSteps] = useState(1);
  const [backups, setBackups] = useState<Backup[] | null>(null);
  const [storeProblems, setStoreProblems] = useState<string[]>([]);
  const [backupId, setBackupId] = useState('');

  useEffect(() => {
    let current = true;
    void api<BackupsResponse>('/backups', { env })
      .then((r) => {
        if (!current) return;
        setBackups(r.backups);
        setStoreProblems(r.problems);
      })
      .catch(() => {
        if (!current) return;
        setBackups(null);
        setStoreProblems([]);
      });
    return () => {
      current = false;
    };
  }, [env, state.revision]);

  const busy = state.busy !== null;
  const counts = state.status?.counts;
  const blocked = summary?.blocked ?? [];
  const chosen = backups?.find((b) => b.id === backupId) ?? null;
  const backupNow = () =>
    track(env, 'backup', () => api<ResponseOf<'createBackup'>>('/backups', { method: 'POST', body: {}, env }), {
      describe: (b) => ({
        ok: true,
        text: `Backup ${b.id} taken.`,
        notes: b.pruned.length > 0 ? [`Pruned by retention: ${b.pruned.join(', ')}.`] : [],
      }),
    });

  return (
    <div class="actions">
      <button class="primary" disabled={busy || !counts?.pending} onClick={() => setOp({ kind: 'migrate' })}>
        Migrate…
      </button>
      <StepsInput value={steps} onChange={setSteps} label="Steps to roll back" />
      <button disabled={busy || !counts?.applied} onClick={() => setOp({ kind: 'rollback', steps })}>
        Roll back…
      </button>
      {backups && (
        <button disabled={busy} onClick={() => void backupNow()}>
          Backup now
        </button>
      )}
      {backups && backups.length > 0 && (
        <>
          <select
            aria-label="Backup to restore"
            value={backupId}
            onChange={(e) => setBackupId((e.target as HTMLSelectElement).value)}
          >
            <option value="">Backup to restore…</option>
            {backups.map((b) => (
              <option key={b.id} value={b.id}>
                {b.id} (version {b.version ?? '—'})
              </option>
            ))}
          </select>
          <button disabled={busy || !chosen} onClick={() => chosen && setOp({ kind: 'restore', backup: chosen })}>
            Restore…
          </button>
        </>
      )}
      {storeProblems.length > 0 && (
        // What `ogel-migrate backups` prints under the listing: a dump that cannot be restored is worth knowing
        // about before the day it is needed.
        <div class="warning hint" data-field="backup-problems">
          The backup store has {storeProblems.length} problem(s):
          <ul>
            {storeProblems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </div>
      )}
      {blocked.length > 0 && (
        <p class="warning hint" data-field="blocked">
          {info.after} has not applied {blocked.join(', ')}: a migrate is refused unless forced with a reason.
        </p>
      )}
      {op && <ReviewDialog info={info} op={op} verify={state.verify} track={track} onClose={() => setOp(null)} />}
    </div>
  );
}
