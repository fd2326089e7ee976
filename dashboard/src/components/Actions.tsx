import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, type Backup, type PlannedMigration, type Status, type VerifyReport } from '../api.js';

type Pending =
  | { kind: 'migrate'; plan: PlannedMigration[] }
  | { kind: 'rollback'; plan: PlannedMigration[]; steps: number }
  | { kind: 'restore'; backup: Backup };

/** Admin actions. Every change shows what it will do first and needs a confirmation. */
export function Actions({
  env,
  status,
  onDone,
  verify,
}: {
  env: string;
  status: Status;
  onDone: () => void;
  verify: VerifyReport | null;
}) {
  const verified = (version: string) => verify?.results.find((r) => r.version === version);
  const [pending, setPending] = useState<Pending | null>(null);
  const [message, setMessage] = useState<{ text: string; bad: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const [steps, setSteps] = useState(1);
  const [backups, setBackups] = useState<Backup[] | null>(null);
  const dialog = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    void api<{ backups: Backup[] }>('/backups', { env })
      .then((r) => setBackups(r.backups))
      .catch(() => setBackups(null));
  }, [env, status]);
  useEffect(() => {
    if (pending) dialog.current?.showModal();
    else dialog.current?.close();
  }, [pending]);

  const run = async (fn: () => Promise<string>) => {
    setBusy(true);
    setMessage(null);
    try {
      setMessage({ text: await fn(), bad: false });
    } catch (error) {
      const e = error as ApiError;
      const where = e.details?.file ? ` (${e.details.file}:${e.details.line}:${e.details.column})` : '';
      setMessage({ text: `${e.code ?? 'error'}: ${e.message}${where}`, bad: true });
    } finally {
      setBusy(false);
      onDone();
    }
  };

  // Planning fetches the dry run and opens the confirmation dialog; nothing changes until Confirm.
  const planMigrate = () =>
    run(async () => {
      const result = await api<{ planned: PlannedMigration[] }>('/migrate', {
        method: 'POST',
        body: { dryRun: true },
        env,
      });
      if (result.planned.length === 0) return 'Nothing to apply.';
      setPending({ kind: 'migrate', plan: result.planned });
      return `Review the plan: ${result.planned.length} migration(s).`;
    });
  const planRollback = () =>
    run(async () => {
      const result = await api<{ planned: PlannedMigration[] }>('/rollback', {
        method: 'POST',
        body: { steps, dryRun: true },
        env,
      });
      setPending({ kind: 'rollback', plan: result.planned, steps });
      return `Review the rollback of ${result.planned.length} migration(s).`;
    });
  const confirm = () => {
    const p = pending!;
    setPending(null);
    if (p.kind === 'migrate')
      void run(
        async () =>
          `Applied ${(await api<{ applied: unknown[] }>('/migrate', { method: 'POST', body: {}, env })).applied.length} migration(s).`,
      );
    if (p.kind === 'rollback')
      void run(
        async () =>
          `Reverted ${(await api<{ reverted: unknown[] }>('/rollback', { method: 'POST', body: { steps: p.steps }, env })).reverted.length} migration(s).`,
      );
    if (p.kind === 'restore')
      void run(
        async () => (
          await api<{ id: string }>(`/backups/${encodeURIComponent(p.backup.id)}/restore`, {
            method: 'POST',
            body: { confirm: true },
            env,
          }),
          `Restored backup ${p.backup.id}.`
        ),
      );
  };

  return (
    <div class="actions">
      <button class="primary" disabled={busy || status.counts.pending === 0} onClick={planMigrate}>
        Migrate…
      </button>
      <label>
        Roll back{' '}
        <input
          type="number"
          min={1}
          value={steps}
          onInput={(e) => setSteps(Math.max(1, Number((e.target as HTMLInputElement).value) || 1))}
          aria-label="Steps to roll back"
        />
      </label>
      <button disabled={busy || status.counts.applied === 0} onClick={planRollback}>
        Roll back…
      </button>
      {backups && (
        <button
          disabled={busy}
          onClick={() =>
            run(
              async () =>
                `Backup ${(await api<{ id: string }>('/backups', { method: 'POST', body: {}, env })).id} taken.`,
            )
          }
        >
          Backup now
        </button>
      )}
      {backups && backups.length > 0 && (
        <select
          aria-label="Restore a backup"
          disabled={busy}
          onChange={(e) => {
            const b = backups.find((x) => x.id === (e.target as HTMLSelectElement).value);
            if (b) setPending({ kind: 'restore', backup: b });
          }}
        >
          <option value="">Restore…</option>
          {backups.map((b) => (
            <option key={b.id} value={b.id}>
              {new Date(b.createdAt).toLocaleString()} (v{b.version ?? '—'})
            </option>
          ))}
        </select>
      )}
      {message && (
        <p class={message.bad ? 'error' : 'ok'} role="status">
          {message.text}
        </p>
      )}
      <dialog ref={dialog} onClose={() => setPending(null)} aria-labelledby="confirm-title">
        {pending && (
          <form
            method="dialog"
            onSubmit={(e) => {
              e.preventDefault();
              confirm();
            }}
          >
            <h3 id="confirm-title">
              {pending.kind === 'migrate'
                ? `Apply to ${env}?`
                : pending.kind === 'rollback'
                  ? `Roll back ${env}?`
                  : `Restore ${env}?`}
            </h3>
            {pending.kind !== 'restore' ? (
              <ol>
                {pending.plan.map((p) => (
                  <li key={p.version}>
                    {p.version}_{p.name} — {p.transactional ? 'one transaction' : `no transaction (${p.modeReason})`},{' '}
                    {p.statements} statement(s)
                    {pending.kind === 'rollback' && (
                      <span
                        class={verified(p.version)?.outcome === 'ok' ? 'ok' : verified(p.version) ? 'bad' : 'muted'}
                      >
                        {' '}
                        · rollback test: {verified(p.version)?.outcome ?? 'not run yet'}
                      </span>
                    )}
                  </li>
                ))}
              </ol>
            ) : (
              <p>
                Replace the database with backup {pending.backup.id} (version {pending.backup.version ?? '—'})?
              </p>
            )}
            <div class="dialog-buttons">
              <button type="button" onClick={() => setPending(null)}>
                Cancel
              </button>
              <button type="submit" class="primary" autoFocus>
                Confirm
              </button>
            </div>
          </form>
        )}
      </dialog>
    </div>
  );
}
