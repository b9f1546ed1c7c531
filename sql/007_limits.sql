-- 007_limits: serves the claim's count of recent starts of a rate-limited job
-- type (`rate:` in the config).
CREATE INDEX jobs_type_started_idx ON spawnq.jobs (job_type, started_at);
