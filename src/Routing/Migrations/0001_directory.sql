-- Each municipality's directory version: every change takes the row lock and counts it up, so changes of one
-- directory are serialised and numbered.
create table directories (
    tenant_id uuid primary key,
    version bigint not null
);

create table units (
    tenant_id uuid not null,
    unit_id text not null,
    name text not null,
    leika_keys text[] not null,
    areas text[] not null,
    contact jsonb not null,
    version bigint not null,
    updated_at timestamptz not null,
    updated_by text not null,
    primary key (tenant_id, unit_id)
);

-- Who covers which LeiKa key in which area: one unit per key and area prefix (the primary key refuses an overlap even
-- when two changes race), and the lookup's index: the ARS's four prefixes, longest first.
create table coverage (
    tenant_id uuid not null,
    leika_key text not null,
    area text not null,
    unit_id text not null,
    primary key (tenant_id, leika_key, area),
    foreign key (tenant_id, unit_id) references units (tenant_id, unit_id) on delete cascade
);

create table destinations (
    destination_id uuid primary key,
    tenant_id uuid not null,
    unit_id text not null,
    position int not null,
    channel text not null check (channel in ('push', 'pull', 'inbox')),
    push_url text,
    -- The callback secret, sealed with Routing:SecretKey (AES-256-GCM, bound to the destination id).
    sealed_secret bytea,
    encryption_key text,
    leika_keys text[] not null,
    foreign key (tenant_id, unit_id) references units (tenant_id, unit_id) on delete cascade
);

create index destinations_of_unit on destinations (tenant_id, unit_id, position);

-- Every change: who, when, what (the unit before and after, without secrets).
create table directory_changes (
    tenant_id uuid not null,
    version bigint not null,
    kind text not null,
    unit_id text,
    changed_at timestamptz not null,
    changed_by text not null,
    summary text not null,
    before jsonb,
    after jsonb,
    primary key (tenant_id, version)
);
