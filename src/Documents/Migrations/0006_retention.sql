-- Attached documents are kept for the tenant's retention period after their submission is decided or withdrawn.
alter table document_attachments add column closed_at timestamptz;
create index document_attachments_closed on document_attachments (tenant_id, closed_at) where closed_at is not null;

create table tenant_retention (
    tenant_id      uuid        primary key,
    retention_days integer     not null check (retention_days between 1 and 36500),
    updated_by     text        not null,
    updated_at     timestamptz not null
);
