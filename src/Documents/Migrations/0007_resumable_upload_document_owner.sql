-- Whose document a resumable upload becomes is decided when it is created (a caseworker's upload becomes the tenant's),
-- not by whoever's token completes it. Uploads started before this were citizens' and organisations' own.
alter table resumable_uploads add column document_owner text;
update resumable_uploads set document_owner = owner_subject;
alter table resumable_uploads alter column document_owner set not null;
