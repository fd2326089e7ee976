DROP TABLE IF EXISTS platform.project_members;
