-- The application connects as platform_app: it may read and write rows, never change the schema.
-- Roles are cluster-wide, so creation is guarded rather than assumed.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'platform_app') THEN
    CREATE ROLE platform_app NOLOGIN;
  END IF;
END
$$;

GRANT USAGE ON SCHEMA platform TO platform_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON platform.organizations, platform.projects TO platform_app;
