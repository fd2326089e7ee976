-- ogel:no-transaction
DROP INDEX CONCURRENTLY IF EXISTS platform.projects_tags_idx;
