-- An event id is unique only within its source: the inbox remembers both, so that one service cannot shadow another's
-- event by reusing its id. Rows from before name no source.
alter table messaging.inbox add column source text not null default '';
alter table messaging.inbox drop constraint inbox_pkey;
alter table messaging.inbox add primary key (consumer_group, source, event_id);
