-- ogel:no-transaction
-- Tag search for the Studio project list. CONCURRENTLY: projects is live, and a plain CREATE INDEX would
-- block writes for the whole build.
CREATE INDEX CONCURRENTLY IF NOT EXISTS projects_tags_idx ON platform.projects USING gin (tags);
