-- A project is one Postgres database on Railway, reached over the private network.
CREATE TABLE IF NOT EXISTS platform.projects (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES platform.organizations (id) ON DELETE CASCADE,
  ref             text NOT NULL UNIQUE,
  name            text NOT NULL,
  region          text NOT NULL DEFAULT 'us-west',
  settings        jsonb NOT NULL DEFAULT '{}'::jsonb,
  tags            text[] NOT NULL DEFAULT '{}',
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS projects_organization_id_idx ON platform.projects (organization_id);
