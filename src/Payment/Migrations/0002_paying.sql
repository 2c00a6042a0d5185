-- A payment that failed, was cancelled or expired is followed by a new attempt for the same submission.
drop index payments_first_of_submission;
alter table payments add column attempt int not null default 1;
create unique index payments_attempt_of_submission on payments (submission_id, attempt) where submission_id is not null;

alter table payments add column provider text;
-- The provider's own id of the transaction (the test provider's session, the XBezahldienste requestId).
alter table payments add column provider_reference text;
alter table payments add column next_url text;
alter table payments add column return_url text;
alter table payments add column expires_at timestamptz;
alter table payments add column paid_at timestamptz;
alter table payments add column refunded_cents bigint not null default 0;
alter table payments add constraint payments_refunds_within_amount check (refunded_cents >= 0 and refunded_cents <= amount_cents);
create unique index payments_provider_reference on payments (provider, provider_reference) where provider_reference is not null;
create index payments_started on payments (expires_at) where state = 'started';

-- How a municipality takes payments; none: online payment is not set up (the test provider when it is enabled).
create table payment_settings (
    tenant_id uuid primary key,
    provider text not null,
    -- Origins ("https://buergerportal.heidelberg.de") a return URL may point to.
    return_origins text[] not null,
    xbezahldienste_originator_id text,
    xbezahldienste_endpoint_id text,
    updated_at timestamptz not null
);

-- Secrets a provider signs its callbacks with, encrypted with Payment:SecretKey. The newest signs; an older one stays
-- valid until retires_at, so that a rotation does not break callbacks already on their way.
create table callback_secrets (
    tenant_id uuid not null,
    id uuid not null,
    sealed_secret bytea not null,
    created_at timestamptz not null,
    retires_at timestamptz,
    primary key (tenant_id, id)
);

-- Every callback event taken in, so that a replay changes nothing; kept with what came of it.
create table callback_receipts (
    tenant_id uuid not null,
    event_id text not null,
    payment_id uuid,
    received_at timestamptz not null,
    outcome text not null,
    primary key (tenant_id, event_id)
);

-- The built-in test provider's own state: a session per started payment.
create table test_provider_sessions (
    id uuid primary key,
    tenant_id uuid not null,
    payment_id uuid not null,
    amount_cents bigint not null,
    description text not null,
    return_url text not null,
    state text not null,
    created_at timestamptz not null
);

-- A payment a machine client created for a purpose of its own: its request id makes it once.
alter table payments add column client_request_id text;
alter table payments add column return_url_requested text;
create unique index payments_client_request on payments (tenant_id, client_request_id) where client_request_id is not null;

-- A paid submission was withdrawn: the municipality owes the citizen a refund.
alter table payments add column refund_due boolean not null default false;

create table refunds (
    id uuid primary key,
    payment_id uuid not null references payments (id),
    amount_cents bigint not null check (amount_cents > 0),
    reason text not null,
    refunded_by text not null,
    refunded_at timestamptz not null
);
create index refunds_of_payment on refunds (payment_id);
