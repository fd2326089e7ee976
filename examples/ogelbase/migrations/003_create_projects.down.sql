DROP TABLE IF EXISTS platform.projects;
