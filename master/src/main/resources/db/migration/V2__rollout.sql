-- Canary rollouts: one row per environment, the state every master sharing the database agrees on.
create table rollout (
    environment varchar(255) not null primary key,
    -- what every node may run, and what the canaries try; equal when nothing is being rolled out
    stable_commit varchar(64) not null,
    candidate_commit varchar(64) not null,
    -- canary (the canaries try the candidate), halted (a canary failed or did not report), promoted, aborted
    state varchar(16) not null,
    canaries ${text_type} not null,
    passed ${text_type} not null,
    policy varchar(255) not null,
    started_at timestamp(6) with time zone not null,
    deadline timestamp(6) with time zone not null,
    reason ${text_type},
    failed_report_id bigint,
    updated_at timestamp(6) with time zone not null,
    updated_by varchar(255) not null
);
