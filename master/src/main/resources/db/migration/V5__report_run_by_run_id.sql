-- Kraftwerk master storage, version 5: a report's run is looked up by its run id first. The report
-- writer checks a batch of runs for ones already stored (an agent sending its queue again) with
-- one "run_id in (...)" query; with the node's name first, that query read every report the batch's
-- nodes ever sent. Same columns, same uniqueness, no new index.
alter table report drop constraint report_run;
alter table report add constraint report_run unique (run_id, certname);
