-- Providers that do not push are asked until their transaction ends: when next, and how often so far (for the backoff).
alter table payments add column next_poll_at timestamptz;
alter table payments add column polls int not null default 0;
