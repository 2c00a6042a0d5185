-- Documents held for a submission that forms is storing (reservations), and documents attached to stored submissions.
-- A document may be attached to several submissions of its owner (the same certificate for two applications).
create table document_reservations (
    document_id    uuid        not null references documents on delete cascade,
    submission_id  uuid        not null,
    tenant_id      uuid        not null,
    field_path     text        not null,
    reserved_until timestamptz not null,
    primary key (submission_id, document_id)
);

create index document_reservations_by_document on document_reservations (document_id, reserved_until);

create table document_attachments (
    document_id   uuid        not null references documents on delete restrict,
    submission_id uuid        not null,
    tenant_id     uuid        not null,
    field_path    text        not null,
    attached_at   timestamptz not null,
    primary key (submission_id, document_id)
);

create index document_attachments_by_document on document_attachments (document_id, tenant_id);
