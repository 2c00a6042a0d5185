-- Resumable uploads (tus 1.0: creation, expiration, termination). The bytes received so far are in the blob store's
-- uploads folder; upload_offset is what was received, flushed to disk and acknowledged.
create table resumable_uploads (
    upload_id     uuid        primary key,
    owner_subject text        not null,
    file_name     text        not null,
    upload_length bigint      not null,
    upload_offset bigint      not null default 0,
    created_at    timestamptz not null,
    expires_at    timestamptz not null,
    document_id   uuid
);

create index resumable_uploads_unfinished_by_owner on resumable_uploads (owner_subject) where document_id is null;
create index resumable_uploads_by_expiry on resumable_uploads (expires_at);
