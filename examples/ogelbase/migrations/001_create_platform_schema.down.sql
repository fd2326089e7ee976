-- The schema itself stays: it also holds the tracking table.
DROP EXTENSION IF EXISTS pgcrypto;
