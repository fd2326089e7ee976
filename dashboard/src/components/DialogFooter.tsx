/**
 * The end of every review dialog: why the server refused (a changed plan, a refused promotion) and the two
 * buttons. Cancel has the focus, so Enter never confirms a change by accident; it only closes a dialog whose
 * run keeps going on the server.
 */
export function DialogFooter(props: { refusal: string | null; running: boolean; ready: boolean; onClose: () => void }) {
  return (
    <>
      {props.refusal && (
        <p class="error" role="alert" data-refusal>
          {props.refusal}
        </p>
      )}
      <div class="dialog-buttons">
        <button type="button" onClick={props.onClose} autoFocus>
          {props.running ? 'Close (it keeps running)' : 'Cancel'}
        </button>
        <button type="submit" class="primary" disabled={!props.ready}>
          {props.running ? 'Running…' : 'Confirm'}
        </button>
      </div>
    </>
  );
}
