REVOKE SELECT, INSERT, UPDATE, DELETE ON platform.organizations, platform.projects FROM platform_app;
REVOKE USAGE ON SCHEMA platform FROM platform_app;
-- The role is cluster-wide: drop it only when nothing else in this cluster still depends on it.
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'platform_app')
     AND NOT EXISTS (SELECT FROM pg_shdepend WHERE refobjid = (SELECT oid FROM pg_roles WHERE rolname = 'platform_app')) THEN
    DROP ROLE platform_app;
  END IF;
END
$$;
