-- Providers that do not push are asked until their transaction ends: when next, and how often so far (for the backoff).
alter table payments add column next_poll_at timestamptz;
alter table payments add column polls int not null default 0;

-- A refund is booked once per idempotency key, even if the answer kept in Redis is lost.
alter table refunds add column idempotency_key text;
create unique index refunds_once_per_key on refunds (payment_id, idempotency_key) where idempotency_key is not null;
