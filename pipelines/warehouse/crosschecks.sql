-- Cross-check findings, keyed by period like the govern snapshots: re-running a period
-- replaces its findings. A finding belongs to a case (case_key) that lives across periods.
CREATE TABLE IF NOT EXISTS crosscheck_findings (
  period VARCHAR NOT NULL,
  rule VARCHAR NOT NULL,
  case_id VARCHAR NOT NULL,
  case_key VARCHAR NOT NULL,
  subject_type VARCHAR NOT NULL,
  subject_id VARCHAR,
  subject_name VARCHAR,
  reason VARCHAR,
  months VARCHAR[],
  amount DECIMAL(18,2),
  summary VARCHAR,
  evidence VARCHAR  -- JSON: the facts and the source rows behind the finding
);

CREATE TABLE IF NOT EXISTS crosscheck_runs (
  period VARCHAR NOT NULL,
  rule VARCHAR NOT NULL,
  findings BIGINT NOT NULL,
  ran_at TIMESTAMP NOT NULL,
  millis BIGINT NOT NULL
);

-- Set when the rule did not run: a role it needs that no manifest supplied, named.
ALTER TABLE crosscheck_runs ADD COLUMN IF NOT EXISTS error VARCHAR;
