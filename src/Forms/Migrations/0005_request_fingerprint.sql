-- The canonical fingerprint of the request that made a submission: a repeated idempotency key that Redis has forgotten
-- is answered with the first submission only when it comes with the same request.
alter table submissions add column request_fingerprint text;
