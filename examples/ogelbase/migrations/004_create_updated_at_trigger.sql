-- Keeps updated_at honest without relying on every writer to set it.
CREATE OR REPLACE FUNCTION platform.touch_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END;
$$;

DROP TRIGGER IF EXISTS organizations_touch_updated_at ON platform.organizations;
CREATE TRIGGER organizations_touch_updated_at BEFORE UPDATE ON platform.organizations
  FOR EACH ROW EXECUTE FUNCTION platform.touch_updated_at();

DROP TRIGGER IF EXISTS projects_touch_updated_at ON platform.projects;
CREATE TRIGGER projects_touch_updated_at BEFORE UPDATE ON platform.projects
  FOR EACH ROW EXECUTE FUNCTION platform.touch_updated_at();
