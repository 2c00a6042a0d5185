-- Published online-service definitions: one row per (service, version), never updated once written.
create table service_definitions (
    service_id    text        not null,
    version       integer     not null,
    leika_key     text        not null,
    manifest      text        not null, -- exactly as published, comments included
    manifest_hash text        not null,
    published_at  timestamptz not null default now(),
    primary key (service_id, version)
);
