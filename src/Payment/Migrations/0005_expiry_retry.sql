-- A payment due to expire whose provider did not answer is looked at again from then on, not at every scan before
-- the others.
alter table payments add column expiry_retry_at timestamptz;
