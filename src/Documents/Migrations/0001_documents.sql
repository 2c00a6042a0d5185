-- Every file handed in: metadata here, the content in the blob store under its SHA-256.
create table documents (
    document_id   uuid        primary key,
    owner_subject text        not null, -- the token subject of the citizen or organisation that uploaded it
    file_name     text        not null,
    media_type    text        not null,
    size_bytes    bigint      not null,
    sha256        text        not null,
    status        text        not null,
    created_at    timestamptz not null
);

create index documents_by_owner on documents (owner_subject, created_at desc, document_id desc);
create index documents_by_content on documents (sha256);
