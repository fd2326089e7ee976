import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, describeError } from './api.js';
import type { ForceState } from './components/ReviewNotes.js';
import { REVIEW_REFUSALS, type Settled } from './track.js';

/** What a review dialog needs to know of its plan: the rules the server says apply to it. */
export interface ReviewedPlan {
  planId: string | null;
  review: {
    requires: { confirm: string; plan: string } | null;
    promotion: { violations: readonly unknown[] } | null;
  } | null;
}

/**
 * The state every review dialog shares (an environment's migrate, rollback or restore; a fleet's migrate): load
 * the plan, focus the name field once it is needed, enable Confirm only when the name is typed back and a
 * forced promotion has its reason, send the run bound to the plan shown, and on PLAN_CHANGED or
 * PROMOTION_REFUSED reload the plan for a second review. Closing while it runs leaves the run going.
 */
export function useReview<P extends ReviewedPlan>(options: {
  loadPlan: () => Promise<P>;
  /** The plan has something to do (an empty migrate cannot be confirmed). */
  hasWork: (plan: P) => boolean;
  /** Sends the run: the confirmation bound to the plan id, and a force only for the violations on screen. */
  send: (confirmation: { confirm?: string; plan: string }, forcing: ForceState) => Promise<Settled<unknown>>;
  /** Shown when the server says the plan moved since the review. */
  changedNotice: string;
  onClose: () => void;
  /** What the plan depends on: a new value loads it again. */
  key: string;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const nameField = useRef<HTMLInputElement>(null);
  const open = useRef(true);
  const [plan, setPlan] = useState<P | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [typed, setTyped] = useState('');
  const [force, setForce] = useState<ForceState>({ force: false, reason: '' });
  const [refusal, setRefusal] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const { loadPlan } = options;

  const load = useCallback(async () => {
    setPlan(null);
    setLoadError(null);
    try {
      const next = await loadPlan();
      if (open.current) setPlan(next);
    } catch (error) {
      if (open.current) setLoadError(describeError(error));
    }
    // The key names what loadPlan depends on; the function itself is new on every render.
  }, [options.key]);

  useEffect(() => {
    dialog.current?.showModal();
    void load();
    return () => {
      open.current = false;
    };
  }, [load]);
  // Once a plan that needs the name is shown, typing it is the next step; Confirm stays out of reach.
  useEffect(() => {
    if (plan?.review?.requires) nameField.current?.focus();
  }, [plan]);

  // Closing the element itself (not only unmounting it) gives the focus back to the button that opened it.
  const close = () => {
    if (!open.current) return;
    open.current = false;
    if (dialog.current?.open) dialog.current.close();
    options.onClose();
  };

  const requires = plan?.review?.requires ?? null;
  const violations = plan?.review?.promotion?.violations ?? [];
  const ready =
    plan !== null &&
    plan.planId !== null &&
    !running &&
    options.hasWork(plan) &&
    (requires === null || typed.trim() === requires.confirm) &&
    (violations.length === 0 || (force.force && force.reason.trim() !== ''));

  const submit = async () => {
    if (!plan?.planId || !ready) return;
    setRunning(true);
    setRefusal(null);
    setNotice(null);
    const confirmation = { ...(requires ? { confirm: typed.trim() } : {}), plan: plan.planId };
    // A force is sent only for the violations on screen: one ticked for an earlier plan does not carry over.
    const forcing = violations.length > 0 ? force : { force: false, reason: '' };
    const settled = await options.send(confirmation, forcing);
    if (!open.current) return;
    setRunning(false);
    if (settled.ok || !(settled.error instanceof ApiError) || !REVIEW_REFUSALS.has(settled.error.code)) {
      close();
      return;
    }
    if (settled.error.code === 'PLAN_CHANGED') {
      setNotice(options.changedNotice);
      setTyped('');
    } else {
      setRefusal(describeError(settled.error));
    }
    if (settled.error.code === 'PLAN_CHANGED' || settled.error.code === 'PROMOTION_REFUSED') await load();
  };

  return {
    dialog,
    nameField,
    open,
    plan,
    loadError,
    typed,
    setTyped,
    force,
    setForce,
    refusal,
    notice,
    running,
    requires,
    violations,
    ready,
    close,
    submit,
  };
}
