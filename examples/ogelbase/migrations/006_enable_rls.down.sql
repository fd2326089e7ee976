DROP POLICY IF EXISTS projects_member_all ON platform.projects;
DROP POLICY IF EXISTS organizations_member_read ON platform.organizations;
ALTER TABLE platform.projects DISABLE ROW LEVEL SECURITY;
ALTER TABLE platform.organizations DISABLE ROW LEVEL SECURITY;
