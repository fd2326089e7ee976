/**
 * Progress lines for stderr when it is a pipe or a file: lines written in the same turn of the event loop go out
 * as one write at the end of that turn (a migrate of 1,000 files prints 2,000 lines; each write to a pipe is a
 * synchronous system call). A terminal gets every line at once, as before. Whatever is pending is written before
 * anything goes to stdout (the two may share one log) and when the process exits.
 */
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
  setImmediate(flushStderr);
}

export function flushStderr(): void {
  scheduled = false;
  if (pending === '') return;
  const text = pending;
  pending = '';
  process.stderr.write(text);
}
