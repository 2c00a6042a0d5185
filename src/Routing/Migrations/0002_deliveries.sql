-- A payment confirmed before routing heard of its submission (the two come on different topics, in any order).
create table early_payments (
    submission_id uuid primary key,
    paid_at timestamptz not null
);

-- One delivery per submission, from the moment forms announces it.
create table deliveries (
    delivery_id uuid primary key,
    submission_id uuid not null unique,
    tenant_id uuid not null,
    reference text not null,
    service_id text not null,
    leika_key text not null,
    fee_cents bigint not null,
    -- waiting, pending, offered (pull: fetched or not, until acknowledged), delivered, parked, unroutable, withdrawn
    state text not null,
    unit_id text,
    destination_id uuid,
    channel text,
    -- The destination's public key (JWK) when the delivery was offered or pushed: its content is never served in clear
    -- afterwards, whatever becomes of the destination.
    encryption_key text,
    attempts int not null default 0,
    -- Attempts already used when an operator last re-drove it: the limit counts from there.
    attempts_before_redrive int not null default 0,
    next_attempt_at timestamptz,
    delivered_at timestamptz,
    receipt_id text,
    last_error text,
    created_at timestamptz not null,
    updated_at timestamptz not null
);

create index deliveries_due on deliveries (next_attempt_at) where state = 'pending';
create index deliveries_of_tenant on deliveries (tenant_id, created_at desc, delivery_id desc);
create index deliveries_of_destination on deliveries (destination_id, created_at, delivery_id) where state = 'offered';

create table delivery_attempts (
    delivery_id uuid not null references deliveries (delivery_id),
    number int not null,
    started_at timestamptz not null,
    finished_at timestamptz,
    outcome text,
    status_code int not null default 0,
    error text,
    primary key (delivery_id, number)
);

create table decisions (
    submission_id uuid primary key references deliveries (submission_id),
    tenant_id uuid not null,
    outcome text not null check (outcome in ('approved', 'rejected')),
    message text not null,
    document_ids text[] not null,
    decided_at timestamptz not null,
    decided_by text not null,
    -- Null while the mailbox message is being sent: the decision is taken (nobody else decides), not yet announced.
    mailbox_message_id text
);
