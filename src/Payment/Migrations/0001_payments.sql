-- A municipality's own Kassenzeichen format (none: the platform's default, Payment:DefaultKassenzeichenFormat).
create table kassenzeichen_formats (
    tenant_id uuid primary key,
    prefix text not null,
    include_year boolean not null,
    sequence_digits int not null,
    check_digit text not null
);

-- The last sequence number handed out per municipality and year.
create table kassenzeichen_counters (
    tenant_id uuid not null,
    year int not null,
    last_number bigint not null,
    primary key (tenant_id, year)
);

create table payments (
    id uuid primary key,
    tenant_id uuid not null,
    submission_id uuid,
    reference text not null,
    kassenzeichen text not null,
    description text not null,
    amount_cents bigint not null check (amount_cents > 0),
    currency text not null default 'EUR',
    state text not null,
    -- Optimistic concurrency: every change sets version = version + 1 where version = the one read.
    version int not null default 1,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    unique (tenant_id, kassenzeichen)
);

-- The payment a fee-bearing submission gets when forms announces it; a redelivered announcement finds it there.
create unique index payments_first_of_submission on payments (submission_id) where submission_id is not null;

create table payment_history (
    payment_id uuid not null references payments (id),
    position int not null,
    state text not null,
    changed_at timestamptz not null,
    source text not null,
    primary key (payment_id, position)
);
