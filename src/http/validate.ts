import type { Context } from 'hono';
import type { z } from 'zod';
import { OgelError } from '../errors.js';

function usage(issues: z.core.$ZodIssue[], where: string): OgelError {
  const list = issues.map((i) => ({
    path: i.path.map(String).join('.') || '(root)',
    message:
      i.code === 'unrecognized_keys' ? `unknown field(s): ${(i as { keys: string[] }).keys.join(', ')}` : i.message,
  }));
  return new OgelError('USAGE', `Invalid ${where}: ${list.map((i) => `${i.path}: ${i.message}`).join('; ')}`, {
    issues: list,
  });
}

/** Parses a JSON body against a schema; malformed JSON and schema errors are 400s that name the field. */
export async function readBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  const text = await c.req.text();
  let raw: unknown = {};
  if (text.trim() !== '') {
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new OgelError('USAGE', `Malformed JSON body: ${(error as Error).message}`);
    }
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw usage(parsed.error.issues, 'body');
  return parsed.data;
}

export function readQuery<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  const parsed = schema.safeParse(c.req.query());
  if (!parsed.success) throw usage(parsed.error.issues, 'query');
  return parsed.data;
}
