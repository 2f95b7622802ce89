-- Kraftwerk master storage, version 6: the CA's state, for masters that share PostgreSQL and no file system (with
-- --database, a master moves its CA directory's state here on first start; on H2 the tables stay empty and the CA
-- keeps its directory). The CA's key and certificate are never here: they stay in DATA/ca on each master.

-- The one CA of this database. Every change of the CA locks this row first, so changes from every master (and
-- 'kw-master ca') happen one after another; 'changes' counts certificates issued and revoked, for the masters'
-- caches of revoked serials and names.
create table ca_authority (
    id integer not null primary key check (id = 1),
    certificate ${text_type} not null,
    fingerprint varchar(128) not null,
    changes bigint not null,
    crl ${text_type},
    crl_number bigint not null,
    created_at timestamp(6) with time zone not null
);

-- Every certificate the CA issued to a node (the inventory): a serial is never issued twice.
create table ca_certificate (
    serial varchar(40) not null primary key,
    certname varchar(253) not null,
    not_before timestamp(6) with time zone not null,
    not_after timestamp(6) with time zone not null,
    revoked_at timestamp(6) with time zone,
    pem ${text_type}
);
create index ca_certificate_certname on ca_certificate (certname);
create index ca_certificate_revoked on ca_certificate (revoked_at);

-- Each node's current certificate.
create table ca_node (
    certname varchar(253) not null primary key,
    serial varchar(40) not null references ca_certificate (serial)
);

-- Signing requests waiting for an operator.
create table ca_request (
    certname varchar(253) not null primary key,
    pem ${text_type} not null,
    received_at timestamp(6) with time zone not null
);

-- Every name and address the masters' own certificates carried: never given to a node.
create table ca_master_name (
    name varchar(255) not null primary key
);
