-- Run once by the postgres image's entrypoint, when its data volume is first initialised
-- (docker-compose.yml mounts this file into /docker-entrypoint-initdb.d). Each service owns one
-- database and creates its own tables through its migrations at start-up.
-- On an existing volume it is not run again; `docker compose down -v` starts afresh.
CREATE DATABASE umbrella_referral;
CREATE DATABASE umbrella_agency_directory;
CREATE DATABASE umbrella_client_journey;
CREATE DATABASE umbrella_reporting;
