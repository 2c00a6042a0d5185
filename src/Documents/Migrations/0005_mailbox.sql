-- The citizen's mailbox (Postfach): messages a municipality sends, with the documents it issues (decisions, certificates).
-- Issued documents are rows of documents owned by 'tenant:<tenant id>'.
create table messages (
    message_id        uuid        primary key,
    tenant_id         uuid        not null,
    recipient_subject text        not null,
    subject           text        not null,
    body              text        not null,
    submission_id     uuid,
    sent_by           text        not null,
    sent_at           timestamptz not null,
    read_at           timestamptz
);

create index messages_by_recipient on messages (recipient_subject, (read_at is null) desc, sent_at desc, message_id desc);

create table message_documents (
    message_id  uuid not null references messages on delete cascade,
    document_id uuid not null references documents on delete restrict,
    primary key (message_id, document_id)
);

create index message_documents_by_document on message_documents (document_id);
