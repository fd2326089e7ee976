-- The platform schema holds OgelBase's own control-plane tables (organizations, projects, members).
-- IF NOT EXISTS: ogel-migrate keeps its tracking table in this schema too, so it may already exist.
CREATE SCHEMA IF NOT EXISTS platform;
CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA platform;
