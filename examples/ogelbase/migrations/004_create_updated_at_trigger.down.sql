DROP TRIGGER IF EXISTS projects_touch_updated_at ON platform.projects;
DROP TRIGGER IF EXISTS organizations_touch_updated_at ON platform.organizations;
DROP FUNCTION IF EXISTS platform.touch_updated_at();
