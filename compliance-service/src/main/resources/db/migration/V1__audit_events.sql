-- One row per audited event. Content is stored redacted; raw content never reaches the database.
create table audit_events (
    id               bigint generated always as identity primary key,
    event_id         varchar(64)  not null,
    event_type       varchar(32)  not null,
    tenant           varchar(128) not null,
    session_id       varchar(64)  not null,
    turn_id          varchar(64)  not null,
    principal_user   varchar(256) not null,
    source_topic     varchar(249) not null,
    source_partition integer      not null,
    source_offset    bigint       not null,
    content          text         not null,
    redactions       integer      not null,
    occurred_at      timestamptz  not null,
    recorded_at      timestamptz  not null default now(),
    -- a redelivered record must not be audited twice
    constraint audit_events_event_id_key unique (event_id)
);

create index audit_events_session_idx on audit_events (session_id, id);
create index audit_events_tenant_time_idx on audit_events (tenant, occurred_at);
