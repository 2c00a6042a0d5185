-- What payment and routing report about a submission (paid, delivered, decided, rejected), recorded whatever order the
-- events arrive in: topics share no order. The status then follows the recorded facts along its legal steps only, so
-- a delivery reported before the payment waits for it, and is applied (with its own time) once the payment is known.
create table submission_facts (
    submission_id uuid        not null references submissions (id),
    fact          text        not null,
    occurred_at   timestamptz not null,
    applied       boolean     not null default false,
    primary key (submission_id, fact)
);
