DROP TABLE IF EXISTS platform.organizations;
