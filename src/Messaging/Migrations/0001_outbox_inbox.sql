create schema if not exists messaging;

-- Events written in the same transaction as the state change they announce; the relay publishes them.
create table messaging.outbox (
    sequence     bigint generated always as identity primary key,
    id           uuid        not null unique,
    topic        text        not null,
    key          text        not null,
    type         text        not null,
    source       text        not null,
    subject      text,
    time         timestamptz not null,
    traceparent  text,
    tracestate   text,
    payload      bytea       not null,
    sent_at      timestamptz,
    attempts     integer     not null default 0,
    last_error   text
);
create index outbox_pending on messaging.outbox (sequence) where sent_at is null;
create index outbox_pending_by_key on messaging.outbox (key, sequence) where sent_at is null;

-- One row per event a consumer group has handled, written in the same transaction as the handler's effect.
create table messaging.inbox (
    consumer_group text        not null,
    event_id       text        not null,
    event_type     text        not null,
    handled_at     timestamptz not null default now(),
    primary key (consumer_group, event_id)
);
