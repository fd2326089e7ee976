-- Row-level security on every platform table: members see their organization's rows only.
-- CREATE POLICY has no IF NOT EXISTS, so each policy is dropped first to keep the file re-runnable.
ALTER TABLE platform.organizations ENABLE ROW LEVEL SECURITY;
ALTER TABLE platform.projects ENABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS organizations_member_read ON platform.organizations;
CREATE POLICY organizations_member_read ON platform.organizations
  FOR SELECT TO platform_app
  USING (id::text = current_setting('app.organization_id', true));

DROP POLICY IF EXISTS projects_member_all ON platform.projects;
CREATE POLICY projects_member_all ON platform.projects
  FOR ALL TO platform_app
  USING (organization_id::text = current_setting('app.organization_id', true))
  WITH CHECK (organization_id::text = current_setting('app.organization_id', true));
