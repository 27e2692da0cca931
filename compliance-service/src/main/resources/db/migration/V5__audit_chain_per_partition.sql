-- A tenant's audit trail becomes one hash chain per source partition instead of one chain, so that appends from
-- different partitions of one tenant no longer wait for each other on a single head (see the README, "One chain per
-- tenant and partition"). The hash rule (ChainHash) is unchanged.
--  * chain_partition names the row's chain within its tenant: the partition of the Kafka record the row audits
--    (turns.raw, agent.results.raw, supervisor.decisions and supervisor.policies alike), or -1 for a row that comes
--    from a request and was read from no record (an erasure, a compliance policy change over HTTP, a replay).
--  * Rows and heads written before this migration are in chain 0, whatever their source: each tenant's former
--    single chain is its chain 0 and verifies as it did; new rows of partition 0 extend it. Rows from before V3
--    (chain_seq null) get 0 too but stay outside every chain.
-- The column is added with a default, which PostgreSQL records without rewriting the table, then the default is
-- dropped so that no insert can land in chain 0 by leaving the column out.
ALTER TABLE audit_events ADD COLUMN chain_partition INTEGER NOT NULL DEFAULT 0;
ALTER TABLE audit_events ALTER COLUMN chain_partition DROP DEFAULT;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_chain_partition_check CHECK (chain_partition >= -1);

-- A second row with the same place in one chain would fork it: refuse it.
DROP INDEX audit_events_chain_idx;
CREATE UNIQUE INDEX audit_events_chain_idx ON audit_events (tenant, chain_partition, chain_seq);

-- The last link of each chain. An append locks the heads of the chains it appends to (SELECT ... FOR UPDATE), in
-- (tenant, chain_partition) order; appends to different partitions of one tenant never wait for each other.
ALTER TABLE audit_chain_heads ADD COLUMN chain_partition INTEGER NOT NULL DEFAULT 0;
ALTER TABLE audit_chain_heads ALTER COLUMN chain_partition DROP DEFAULT;
ALTER TABLE audit_chain_heads ADD CONSTRAINT audit_chain_heads_chain_partition_check CHECK (chain_partition >= -1);
ALTER TABLE audit_chain_heads DROP CONSTRAINT audit_chain_heads_pkey;
ALTER TABLE audit_chain_heads ADD PRIMARY KEY (tenant, chain_partition);
