-- What each governed period produced: view sizes and content hashes, and publication.
CREATE TABLE IF NOT EXISTS governed_periods (
  period VARCHAR PRIMARY KEY,
  persons BIGINT NOT NULL,
  entities BIGINT NOT NULL,
  population_view_sha256 VARCHAR NOT NULL,
  legal_entity_view_sha256 VARCHAR NOT NULL,
  governed_at TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS published_periods (
  period VARCHAR PRIMARY KEY,
  published_at TIMESTAMP NOT NULL,
  published_by VARCHAR NOT NULL,
  -- Set when a steward published despite error-level check failures: why.
  override_reason VARCHAR,
  blocking_findings VARCHAR,  -- JSON array of the findings overridden
  population_view_sha256 VARCHAR NOT NULL,
  legal_entity_view_sha256 VARCHAR NOT NULL
);

