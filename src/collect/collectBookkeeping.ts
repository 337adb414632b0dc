/**
 * The collect step's additions to the warehouse's bookkeeping (pipelines/warehouse/metadata.sql):
 * filtered rows per batch and per file, and the control totals departments declare. Run when
 * the warehouse opens; every statement is idempotent, so older warehouses gain the columns.
 */
export const COLLECT_BOOKKEEPING: readonly string[] = [
  `ALTER TABLE batches ADD COLUMN IF NOT EXISTS rows_filtered BIGINT DEFAULT 0`,
  `ALTER TABLE batch_files ADD COLUMN IF NOT EXISTS rows_filtered BIGINT DEFAULT 0`,
  // One row per declared measure of a batch's file: what the department says, what arrived.
  `CREATE TABLE IF NOT EXISTS batch_controls (
     batch_id VARCHAR NOT NULL,
     period VARCHAR NOT NULL,
     connector VARCHAR NOT NULL,
     file VARCHAR NOT NULL,          -- the data file the totals are for
     control_file VARCHAR,           -- where they were declared; NULL when none was found
     measure VARCHAR NOT NULL,       -- rows | sum:<field>
     declared VARCHAR,               -- as the department wrote it; NULL when absent
     actual VARCHAR NOT NULL,
     problem VARCHAR                 -- NULL when they agree
   )`,
];
