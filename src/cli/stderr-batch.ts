/**
 * Progress lines for stderr when it is a pipe or a file: lines written within {@link FLUSH_MS} go out as one write
 * (a migrate of 1,000 files prints 2,000 lines; each write to a pipe is a system call that wakes the reader, which
 * on a small machine takes the CPU from this process: ~70 ms of a 1,000-file run when flushed once per event-loop
 * turn). A terminal gets every line at once, as before. Whatever is pending is written before anything goes to
 * stdout (the two may share one log), before a prompt, and when the process exits (process.exit included).
 */
const FLUSH_MS = 100;
let pending = '';
let scheduled = false;
let hooked = false;

export function writeStderrBatched(text: string): void {
  pending += text;
  if (!hooked) {
    hooked = true;
    process.on('exit', flushStderr);
  }
  if (scheduled) return;
  scheduled = true;
  // Unref'd: a pending flush never keeps the process alive; the exit hook writes what is left.
  setTimeout(flushStderr, FLUSH_MS).unref();
}

export function flushStderr(): void {
  scheduled = false;
  if (pending === '') return;
  const text = pending;
  pending = '';
  process.stderr.write(text);
}
