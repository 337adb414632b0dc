-- Bookkeeping tables of the warehouse: what was collected, what was set aside, what the checks found.
-- The canonical data tables are created from schemas/canonical/*.json.

CREATE TABLE IF NOT EXISTS batches (
  batch_id VARCHAR NOT NULL,        -- period:connector:content hash, the same for the same files
  period VARCHAR NOT NULL,          -- YYYY-MM
  connector VARCHAR NOT NULL,       -- department/dataset
  department VARCHAR NOT NULL,
  dataset VARCHAR NOT NULL,
  schema_name VARCHAR NOT NULL,
  rows_read BIGINT NOT NULL,
  rows_loaded BIGINT NOT NULL,
  rows_quarantined BIGINT NOT NULL,
  blank_lines BIGINT NOT NULL,
  loaded_at TIMESTAMP NOT NULL,
  PRIMARY KEY (period, connector)
);

CREATE TABLE IF NOT EXISTS batch_files (
  batch_id VARCHAR NOT NULL,
  period VARCHAR NOT NULL,
  connector VARCHAR NOT NULL,
  file VARCHAR NOT NULL,            -- relative to the period's drop folder
  sha256 VARCHAR NOT NULL,
  bytes BIGINT NOT NULL,
  format VARCHAR NOT NULL,
  encoding VARCHAR,
  rows_read BIGINT NOT NULL,
  rows_loaded BIGINT NOT NULL,
  rows_quarantined BIGINT NOT NULL,
  blank_lines BIGINT NOT NULL
);

-- Every attempt to collect a connector's batch, including the ones that failed as a whole.
CREATE TABLE IF NOT EXISTS collect_attempts (
  run_id VARCHAR NOT NULL,
  period VARCHAR NOT NULL,
  connector VARCHAR NOT NULL,
  status VARCHAR NOT NULL,          -- loaded | failed | missing
  batch_id VARCHAR,
  error VARCHAR,
  started_at TIMESTAMP NOT NULL,
  finished_at TIMESTAMP NOT NULL
);

-- Rows that could not be read, kept with the reason: nothing a department sends is dropped.
CREATE TABLE IF NOT EXISTS quarantine (
  batch_id VARCHAR NOT NULL,
  period VARCHAR NOT NULL,
  connector VARCHAR NOT NULL,
  file VARCHAR NOT NULL,
  line BIGINT NOT NULL,
  stage VARCHAR NOT NULL,           -- decode | parse | convert
  field VARCHAR,
  reason VARCHAR NOT NULL,
  raw_line VARCHAR
);

CREATE TABLE IF NOT EXISTS check_results (
  batch_id VARCHAR NOT NULL,
  period VARCHAR NOT NULL,
  connector VARCHAR NOT NULL,
  rule_id VARCHAR NOT NULL,
  rule_kind VARCHAR NOT NULL,
  field VARCHAR,
  severity VARCHAR NOT NULL,        -- error | warn
  status VARCHAR NOT NULL,          -- pass | warn | error
  checked_rows BIGINT NOT NULL,
  failed_rows BIGINT NOT NULL,
  failure_ratio DOUBLE NOT NULL,
  warn_above DOUBLE NOT NULL,
  error_above DOUBLE NOT NULL,
  description VARCHAR NOT NULL,
  message VARCHAR
);

-- The rows behind each failed rule, for the steward's drill-down.
CREATE TABLE IF NOT EXISTS check_failures (
  batch_id VARCHAR NOT NULL,
  period VARCHAR NOT NULL,
  connector VARCHAR NOT NULL,
  rule_id VARCHAR NOT NULL,
  file VARCHAR,
  line BIGINT,
  value VARCHAR,
  detail VARCHAR
);

-- Each govern model's tests (declared in the model's header), per period: a failing
-- error-level test holds the period back from publishing, like a failing check.
CREATE TABLE IF NOT EXISTS model_test_results (
  period VARCHAR NOT NULL,
  model VARCHAR NOT NULL,
  test VARCHAR NOT NULL,
  severity VARCHAR NOT NULL,        -- error | warn
  status VARCHAR NOT NULL,          -- pass | warn | error
  failing_rows BIGINT NOT NULL
);

-- Who played which role when the period was governed (from the manifests), for the
-- cross-checks: a rule needing a role nobody supplies is an error naming the rule.
CREATE TABLE IF NOT EXISTS period_roles (
  period VARCHAR NOT NULL,
  role VARCHAR NOT NULL,
  connector VARCHAR NOT NULL,
  department VARCHAR NOT NULL,
  department_kind VARCHAR NOT NULL,
  schema_name VARCHAR NOT NULL
);
