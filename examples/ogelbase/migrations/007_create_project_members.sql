-- Who may act on a project, and as what.
CREATE TABLE IF NOT EXISTS platform.project_members (
  project_id uuid NOT NULL REFERENCES platform.projects (id) ON DELETE CASCADE,
  user_id    uuid NOT NULL,
  role       text NOT NULL DEFAULT 'developer' CHECK (role IN ('owner', 'admin', 'developer', 'read_only')),
  added_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (project_id, user_id)
);
ALTER TABLE platform.project_members ENABLE ROW LEVEL SECURITY;
GRANT SELECT, INSERT, UPDATE, DELETE ON platform.project_members TO platform_app;
DROP POLICY IF EXISTS project_members_self ON platform.project_members;
CREATE POLICY project_members_self ON platform.project_members
  FOR SELECT TO platform_app
  USING (user_id::text = current_setting('app.user_id', true));
