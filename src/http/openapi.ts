import { z } from 'zod';
import { migrateBody, rollbackBody } from './schemas.js';

const error = { $ref: '#/components/schemas/Error' };
const json = (schema: object) => ({ content: { 'application/json': { schema } } });
const errors = (...codes: number[]) =>
  Object.fromEntries(codes.map((code) => [String(code), { description: ERROR_TEXT[code] ?? 'error', ...json(error) }]));
const ERROR_TEXT: Record<number, string> = {
  400: 'bad request: malformed JSON, wrong type, unknown field (details.issues names it)',
  401: 'missing or wrong token',
  403: 'the read token cannot change anything',
  404: 'unknown environment, migration or route',
  409: 'another run holds the lock (details.holder: pid, host, since) or a refusal (modified, missing, failed …)',
  413: 'body over 64 KiB',
  422: 'a migration failed (details: file, line, column, statement, sqlState)',
  503: 'database unreachable or shutting down',
};
const envParam = {
  name: 'env',
  in: 'query',
  required: false,
  schema: { type: 'string' },
  description: 'environment from the config file',
};

/** The OpenAPI 3.1 description of the HTTP service, served at GET /openapi.json. */
export function openApiDocument(): object {
  return {
    openapi: '3.1.0',
    info: {
      title: 'ogel-migrate',
      version: '0.1.0',
      description:
        'Tracked, transactional PostgreSQL migrations over HTTP. All endpoints but /health and /ready need `Authorization: Bearer <token>`.',
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: { code: { type: 'string' }, message: { type: 'string' }, details: { type: 'object' } },
            },
          },
        },
        MigrateBody: z.toJSONSchema(migrateBody),
        RollbackBody: z.toJSONSchema(rollbackBody),
      },
    },
    security: [{ bearer: [] }],
    paths: {
      '/health': {
        get: {
          summary: 'Liveness (no auth, no database call)',
          security: [],
          responses: { 200: { description: 'alive' } },
        },
      },
      '/ready': {
        get: {
          summary: 'Readiness: the database answers',
          security: [],
          parameters: [envParam],
          responses: { 200: { description: 'ready' }, ...errors(503) },
        },
      },
      '/session': {
        get: {
          summary: 'The caller role and the configured environments',
          responses: { 200: { description: '{ role, environments }' }, ...errors(401) },
        },
      },
      '/status': {
        get: {
          summary: 'Exactly the object of `ogel-migrate status --json`',
          parameters: [envParam],
          responses: { 200: { description: 'status' }, ...errors(401, 404, 503) },
        },
      },
      '/migrate': {
        post: {
          summary: 'Apply pending migrations (dryRun: only plan)',
          parameters: [
            envParam,
            {
              name: 'wait',
              in: 'query',
              schema: { type: 'string', enum: ['true', 'false'] },
              description: 'wait for the lock instead of 409',
            },
          ],
          requestBody: { required: false, ...json({ $ref: '#/components/schemas/MigrateBody' }) },
          responses: {
            200: { description: 'what was applied (or planned)' },
            ...errors(400, 401, 403, 409, 413, 422, 503),
          },
        },
      },
      '/rollback': {
        post: {
          summary: 'Revert applied migrations newest first',
          parameters: [envParam, { name: 'wait', in: 'query', schema: { type: 'string', enum: ['true', 'false'] } }],
          requestBody: { required: false, ...json({ $ref: '#/components/schemas/RollbackBody' }) },
          responses: {
            200: { description: 'what was reverted (or planned)' },
            ...errors(400, 401, 403, 409, 413, 422, 503),
          },
        },
      },
      '/history': {
        get: {
          summary: 'The event log, newest first',
          parameters: [
            envParam,
            ...['limit', 'before'].map((name) => ({ name, in: 'query', schema: { type: 'integer' } })),
            ...['event', 'outcome', 'version'].map((name) => ({ name, in: 'query', schema: { type: 'string' } })),
          ],
          responses: { 200: { description: '{ events, nextBefore }' }, ...errors(400, 401) },
        },
      },
      '/lock': {
        get: {
          summary: 'Who holds the migration lock',
          parameters: [envParam],
          responses: { 200: { description: '{ holder }' } },
        },
      },
      '/migrations/{version}': {
        get: {
          summary: 'One migration: its SQL and events',
          parameters: [envParam, { name: 'version', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { 200: { description: 'migration' }, ...errors(400, 404) },
        },
      },
      '/events': {
        get: {
          summary: 'Server-Sent Events: run:start, migration:start/done/failed, run:end …',
          parameters: [envParam],
          responses: { 200: { description: 'text/event-stream' } },
        },
      },
      '/metrics': { get: { summary: 'Prometheus metrics', responses: { 200: { description: 'text/plain' } } } },
      '/backups': {
        get: {
          summary: 'Recorded backups, newest first',
          parameters: [envParam],
          responses: { 200: { description: '{ backups }' }, ...errors(401, 404) },
        },
        post: {
          summary: 'Take a backup now (pg_dump)',
          parameters: [envParam],
          requestBody: {
            required: false,
            ...json({
              type: 'object',
              properties: { format: { enum: ['custom', 'directory'] }, jobs: { type: 'integer' } },
              additionalProperties: false,
            }),
          },
          responses: { 200: { description: 'the backup record' }, ...errors(400, 401, 403) },
        },
      },
      '/backups/{id}/restore': {
        post: {
          summary: 'Restore a backup over the database (body must say confirm: true)',
          parameters: [envParam, { name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          requestBody: {
            required: true,
            ...json({
              type: 'object',
              required: ['confirm'],
              properties: { confirm: { const: true }, jobs: { type: 'integer' } },
              additionalProperties: false,
            }),
          },
          responses: {
            200: { description: '{ id, database, version, durationMs }' },
            ...errors(400, 401, 403, 404, 422),
          },
        },
      },
      '/drift': {
        get: {
          summary: 'Drift: the real schema against what the applied migrations produce (scratch database)',
          parameters: [envParam],
          responses: { 200: { description: 'DriftReport' }, ...errors(401, 503) },
        },
      },
      '/verify': {
        get: {
          summary: 'The last rollback-test report of this environment, or null',
          parameters: [envParam],
          responses: { 200: { description: '{ report }' } },
        },
        post: {
          summary: 'Run the rollback test (up, down, up) on a scratch database',
          parameters: [envParam],
          responses: { 200: { description: '{ report }' }, ...errors(400, 401, 403, 503) },
        },
      },
      '/openapi.json': { get: { summary: 'This document', responses: { 200: { description: 'OpenAPI 3.1' } } } },
    },
  };
}
