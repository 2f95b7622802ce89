-- App data dumps nodes pushed (kw-agent data push): what each holds; the bytes are files under DATA/dumps, encrypted.
create table app_dump (
    id varchar(32) not null primary key,
    certname varchar(255) not null,
    app varchar(32) not null,
    -- the node's environment when it pushed: that branch's site.yaml says who else may read it (dump_access)
    environment varchar(255) not null,
    created_at timestamp(6) with time zone not null,
    stored_at timestamp(6) with time zone not null,
    size_bytes bigint not null,
    sha256 varchar(64) not null,
    consistency varchar(16) not null,
    -- the manifest's parts without their sources: kind, name, size and digest of each, as JSON
    parts ${text_type} not null,
    chunks integer not null
);
create index app_dump_node_app on app_dump (certname, app, stored_at);
create index app_dump_stored on app_dump (stored_at);
