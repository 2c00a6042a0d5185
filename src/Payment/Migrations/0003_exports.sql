-- Reconciliation exports, kept as made: the answer (protobuf) and the CSV, byte for byte.
create table exports (
    id uuid primary key,
    tenant_id uuid not null,
    day date not null,
    cutoff timestamptz not null,
    created_at timestamptz not null,
    message bytea not null,
    csv bytea not null
);
create index exports_of_tenant_day on exports (tenant_id, day);
create index payments_paid on payments (tenant_id, paid_at) where paid_at is not null;
create index refunds_booked on refunds (refunded_at);
