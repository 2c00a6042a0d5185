-- The start of submission references of a tenant's service, for example 'HD'.
alter table activations add column reference_prefix text not null default 'EFA';

-- Citizens' submissions. Answers are personal data: they leave this table only to the citizen and the tenant's staff.
create table submissions (
    id               uuid        primary key,
    tenant_id        uuid        not null,
    citizen_id       text        not null,
    service_id       text        not null,
    service_version  integer     not null,
    reference        text        not null,
    status           text        not null,
    answers          jsonb       not null,
    fee_amount_cents bigint      not null,
    language         text        not null,
    idempotency_key  text        not null,
    submitted_at     timestamptz not null,
    updated_at       timestamptz not null,
    unique (tenant_id, reference),
    -- the durable half of idempotency: a repeated key never makes a second submission, even without Redis's record
    unique (citizen_id, idempotency_key),
    foreign key (service_id, service_version) references service_definitions (service_id, version)
);
create index submissions_by_tenant on submissions (tenant_id, submitted_at desc, id desc);
create index submissions_by_citizen on submissions (citizen_id, submitted_at desc, id desc);

create table submission_attachments (
    submission_id uuid not null references submissions (id),
    field_path    text not null,
    document_id   uuid not null,
    primary key (submission_id, field_path)
);

create table submission_history (
    submission_id uuid        not null references submissions (id),
    position      integer     not null,
    status        text        not null,
    reason        text        not null default '',
    changed_at    timestamptz not null,
    primary key (submission_id, position)
);

-- Reference numbers per tenant and year: HD-2026-000001, HD-2026-000002, ...
create table reference_counters (
    tenant_id   uuid    not null,
    year        integer not null,
    last_number bigint  not null,
    primary key (tenant_id, year)
);
