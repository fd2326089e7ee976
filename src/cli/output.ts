import { exitCodeFor, OgelError } from '../errors.js';
import { maskUrl } from '../db/url.js';
import { flushStderr, writeStderrBatched } from './stderr-batch.js';

/** Where CLI output goes; tests and embedders can capture it. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
  /** Colour and progress only on a terminal, so logs and pipes stay plain. */
  isTTY: boolean;
  /** Rewrites a status line in place (stderr on a terminal only); `''` clears it. */
  update?(text: string): void;
}

/** The process's own streams; everything written is masked, whichever command forgot to. */
export const processOutput: Output = {
  out: (text) => {
    flushStderr();
    process.stdout.write(line(maskUrl(text)));
  },
  err: process.stderr.isTTY
    ? (text) => process.stderr.write(line(maskUrl(text)))
    : (text) => writeStderrBatched(line(maskUrl(text))),
  isTTY: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
  // Carriage return and "erase line": the line is redrawn where it is, and nothing is left in a log.
  ...(process.stderr.isTTY ? { update: (text: string) => process.stderr.write(`\r\u001b[2K${maskUrl(text)}`) } : {}),
};

const line = (text: string) => (text.endsWith('\n') ? text : `${text}\n`);

export function printJson(output: Output, value: unknown): void {
  output.out(maskUrl(JSON.stringify(value, null, 2)));
}

const CODES = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, gray: 90, bold: 1 } as const;
export type Colour = keyof typeof CODES;

export function paint(output: Output, colour: Colour, text: string): string {
  return output.isTTY ? `\u001b[${CODES[colour]}m${text}\u001b[0m` : text;
}

/** Lint severities as the CLI shows them on a terminal. */
export function severityPainter(output: Output): (severity: 'error' | 'warning', text: string) => string {
  return (severity, text) => paint(output, severity === 'error' ? 'red' : 'yellow', text);
}

/** Prints an error (JSON when asked) and returns the exit status it maps to. Never prints a stack or a password. */
export function reportError(output: Output, error: unknown, json: boolean): number {
  const known =
    error instanceof OgelError ? error : new OgelError('INTERNAL', (error as Error)?.message ?? String(error));
  if (json) {
    output.out(maskUrl(JSON.stringify({ error: known.toJSON() }, null, 2)));
  } else {
    output.err(`${paint(output, 'red', 'error')} [${known.code}] ${maskUrl(known.message)}`);
  }
  return exitCodeFor(known);
}
