/**
 * `ogel-migrate/server`: the HTTP service and dashboard for embedders. Kept out of the main entry so that
 * importing the runner does not load the HTTP stack (Hono, pino, prom-client).
 */
export { startServer } from './http/serve.js';
export type { StartOptions, RunningServer } from './http/serve.js';
export { createApp } from './http/app.js';
export { openApiDocument } from './contract/openapi.js';
export { ROUTES } from './contract/routes.js';
export type { RouteSpec, RouteName, ResponseOf } from './contract/routes.js';
