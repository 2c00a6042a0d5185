-- A tenant's activation of an online service, with its own parameters.
create table activations (
    tenant_id          uuid        not null,
    service_id         text        not null,
    fee_amount_cents   bigint,
    languages          text[]      not null,
    contact_email      text        not null,
    note               text        not null default '',
    active_from        date        not null,
    active_until       date,
    updated_at         timestamptz not null default now(),
    primary key (tenant_id, service_id)
);
