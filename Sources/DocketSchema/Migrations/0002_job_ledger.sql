-- The job ledger: Postgres is the truth about every job (DESIGN.md "Jobs").
-- Inserting a row is the enqueue, inside the caller's transaction; Redis only
-- carries ids for fast dispatch and can be rebuilt from here.
CREATE TABLE jobs (
    id                 uuid PRIMARY KEY,            -- UUIDv7: time-ordered, keyset paging
    kind               text NOT NULL,
    payload            jsonb NOT NULL DEFAULT '{}',
    state              text NOT NULL DEFAULT 'queued'
                       CHECK (state IN ('queued', 'running', 'retrying', 'succeeded', 'dead', 'discarded')),
    -- Attempts begun, ever: the fencing number of a lease and the number of
    -- its job_attempts row. Never reset, so numbers stay unique.
    attempt            integer NOT NULL DEFAULT 0,
    -- `attempt` when an admin last requeued the job: this run has spent
    -- attempt - attempt_floor of its max_attempts.
    attempt_floor      integer NOT NULL DEFAULT 0,
    max_attempts       integer NOT NULL CHECK (max_attempts > 0),
    run_at             timestamptz NOT NULL DEFAULT now(),
    priority           smallint NOT NULL DEFAULT 0,
    dedupe_key         text,
    lease_owner        text,
    lease_deadline     timestamptz,
    last_error_code    text,
    last_error_message text,
    progress           jsonb,
    document_id        uuid,
    created_at         timestamptz NOT NULL DEFAULT now(),
    started_at         timestamptz,
    finished_at        timestamptz,
    published_at       timestamptz
);

-- The relay's work list: only unpublished rows, in id order.
CREATE INDEX jobs_unpublished ON jobs (id) WHERE published_at IS NULL;
-- Admin listing by state and kind with keyset paging.
CREATE INDEX jobs_state_kind ON jobs (state, kind, id);
-- The reconciler's scan of live jobs.
CREATE INDEX jobs_live ON jobs (kind, id) WHERE state IN ('queued', 'running', 'retrying');
-- Retention: finished jobs by age.
CREATE INDEX jobs_finished ON jobs (state, finished_at) WHERE state IN ('succeeded', 'dead', 'discarded');
CREATE INDEX jobs_document ON jobs (document_id) WHERE document_id IS NOT NULL;
-- At most one live job per (kind, dedupe_key).
CREATE UNIQUE INDEX jobs_dedupe ON jobs (kind, dedupe_key)
    WHERE dedupe_key IS NOT NULL AND state IN ('queued', 'running', 'retrying');

-- One row per finished attempt: who ran it, when, and how it ended.
CREATE TABLE job_attempts (
    job_id      uuid NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    number      integer NOT NULL,
    worker_id   text NOT NULL,
    started_at  timestamptz NOT NULL,
    finished_at timestamptz NOT NULL,
    outcome     text NOT NULL CHECK (outcome IN ('succeeded', 'retried', 'dead', 'lease_expired')),
    error_code  text,
    message     text,
    PRIMARY KEY (job_id, number)
);

-- What admins did to a job, and why.
CREATE TABLE job_events (
    id      bigserial PRIMARY KEY,
    job_id  uuid NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    actor   text NOT NULL,
    action  text NOT NULL,
    reason  text,
    at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX job_events_job ON job_events (job_id, id);
