-- References are unique platform-wide: numbers are counted per prefix and year, not per municipality, so two
-- municipalities that chose the same prefix draw from one counter (HD-2026-000001, HD-2026-000002, …). Numbers of one
-- municipality may have gaps; they are readable and never repeat. Past the sixth digit they simply grow longer.
create table reference_counters_by_prefix (
    prefix      text    not null,
    year        integer not null,
    last_number bigint  not null,
    primary key (prefix, year)
);

insert into reference_counters_by_prefix (prefix, year, last_number)
select split_part(reference, '-', 1), split_part(reference, '-', 2)::integer, max(split_part(reference, '-', 3)::bigint)
from submissions
group by 1, 2;

-- The index that proves it; a database holding references that collided under the old per-municipality counters keeps
-- working without it (those references stay as they were).
do $$
begin
    if not exists (select reference from submissions group by reference having count(*) > 1) then
        create unique index submissions_reference_unique on submissions (reference);
    end if;
end
$$;
drop table reference_counters;
