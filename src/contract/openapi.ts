import { z } from 'zod';
import { errorResponse } from './common.js';
import { ROUTES, type RouteSpec } from './routes.js';

const ERROR_TEXT: Record<number, string> = {
  400: 'bad request: malformed JSON, wrong type, unknown field (details.issues names it)',
  401: 'missing or wrong token',
  403: "the token's role or environments do not allow this",
  404: 'unknown environment, migration, backup or route',
  405: 'method not allowed (the Allow header lists the methods)',
  409: 'another run holds the lock (details.holder), the plan changed (PLAN_CHANGED), a promotion was refused (PROMOTION_REFUSED) or a refusal (modified, missing, failed …)',
  413: 'body over 64 KiB',
  422: 'a migration failed (details: file, line, column, statement, sqlState) or the files are invalid',
  428: 'CONFIRMATION_REQUIRED: a protected environment needs {"confirm": "<environment>", "plan": "<plan id>"}',
  503: 'database unreachable, or the server is shutting down',
};

const ALWAYS = [400, 401, 405, 413];

/** The OpenAPI 3.1 description of the service, generated from the route table (GET /openapi.json). */
export function openApiDocument(): object {
  const paths: Record<string, Record<string, object>> = {};
  for (const spec of Object.values(ROUTES) as RouteSpec[]) {
    const path = spec.path.replace(/:(\w+)/g, '{$1}');
    (paths[path] ??= {})[spec.method.toLowerCase()] = operation(spec);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'ogel-migrate',
      version: '0.1.0',
      description:
        'Tracked, transactional PostgreSQL migrations over HTTP. Every endpoint but /health and /ready needs ' +
        '`Authorization: Bearer <token>`. A change to a protected environment must carry ' +
        '`{"confirm": "<environment>", "plan": "<plan id from GET /plan>"}`.',
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: { Error: z.toJSONSchema(errorResponse) },
    },
    security: [{ bearer: [] }],
    paths,
  };
}

function operation(spec: RouteSpec): object {
  const parameters = [
    ...[...spec.path.matchAll(/:(\w+)/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    })),
    ...queryParameters(spec.query),
  ];
  const success = spec.response
    ? {
        description: spec.summary,
        content: {
          'application/json': { schema: z.toJSONSchema(spec.response, { io: 'output', unrepresentable: 'any' }) },
        },
      }
    : { description: spec.summary, content: { [spec.produces ?? 'text/plain']: { schema: { type: 'string' } } } };
  const errors = [...new Set([...(spec.access === 'public' ? [400, 405] : ALWAYS), ...spec.errors])].sort();
  return {
    summary: spec.summary,
    ...(spec.access === 'public' ? { security: [] } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(spec.body
      ? {
          requestBody: {
            required: false,
            content: { 'application/json': { schema: z.toJSONSchema(spec.body, { io: 'input' }) } },
          },
        }
      : {}),
    responses: {
      200: success,
      ...Object.fromEntries(
        errors.map((code) => [
          String(code),
          {
            description: ERROR_TEXT[code] ?? 'error',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
          },
        ]),
      ),
    },
  };
}

function queryParameters(schema: z.ZodType | undefined): object[] {
  if (!schema) return [];
  const json = z.toJSONSchema(schema, { io: 'input' }) as { properties?: Record<string, object>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: 'query',
    required: json.required?.includes(name) ?? false,
    schema: property,
  }));
}
