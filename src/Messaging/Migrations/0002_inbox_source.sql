-- An event id is unique only within its source: the inbox remembers both, so that one service cannot shadow another's
-- event by reusing its id. Rows from before get the source their type names (de.efa.<service>.… → /efa/<service>), so
-- that an event redelivered after the upgrade is still recognised.
alter table messaging.inbox add column source text not null default '';
update messaging.inbox set source = '/efa/' || split_part(event_type, '.', 3);
alter table messaging.inbox drop constraint inbox_pkey;
alter table messaging.inbox add primary key (consumer_group, source, event_id);
