-- Uploads, documents and quota (CONTRACT.md §2, DESIGN.md "Uploads and quota").

-- Quota is a Postgres invariant: used + reserved <= quota_bytes, held by
-- one conditional UPDATE at reservation and re-checked at completion.
ALTER TABLE users
    ADD COLUMN used_bytes     bigint NOT NULL DEFAULT 0 CHECK (used_bytes >= 0),
    ADD COLUMN reserved_bytes bigint NOT NULL DEFAULT 0 CHECK (reserved_bytes >= 0);

-- A document: what a client sees, from the first byte to its deletion.
-- Blob keys are made by the server; the client's filename is metadata only.
CREATE TABLE documents (
    id              uuid PRIMARY KEY,               -- UUIDv7: keyset paging
    user_id         uuid NOT NULL REFERENCES users (id),
    filename        text NOT NULL,
    status          text NOT NULL DEFAULT 'uploading'
                    CHECK (status IN ('uploading', 'processing', 'ready', 'failed', 'deleted')),
    size_bytes      bigint NOT NULL CHECK (size_bytes > 0),
    sha256          text,
    blob_key        text NOT NULL,
    page_count      integer,
    pdf_version     text,
    title           text,
    author          text,
    subject         text,
    keywords        text,
    creator         text,
    producer        text,
    created_at_pdf  timestamptz,
    modified_at_pdf timestamptz,
    encrypted       boolean,
    error_code      text,
    error_message   text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX documents_user ON documents (user_id, id);

CREATE TABLE document_pages (
    document_id uuid NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    number      integer NOT NULL CHECK (number > 0),
    width_pt    double precision NOT NULL,
    height_pt   double precision NOT NULL,
    PRIMARY KEY (document_id, number)
);

CREATE TABLE thumbnails (
    document_id uuid NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    page        integer NOT NULL CHECK (page > 0),
    width       integer NOT NULL,
    height      integer NOT NULL,
    bytes       bigint NOT NULL,
    blob_key    text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (document_id, page)
);

-- A pending upload holds its reservation (reserved_bytes) until it is
-- completed (settled by quota.settle), cancelled or expired (released).
CREATE TABLE uploads (
    id            uuid PRIMARY KEY,
    user_id       uuid NOT NULL REFERENCES users (id),
    document_id   uuid NOT NULL UNIQUE REFERENCES documents (id),
    content_type  text NOT NULL,
    size_bytes    bigint NOT NULL CHECK (size_bytes > 0),
    state         text NOT NULL DEFAULT 'pending'
                  CHECK (state IN ('pending', 'completed', 'cancelled', 'expired')),
    -- Set when the PUT has stored every byte; the token is single-use.
    token_used_at timestamptz,
    stored_at     timestamptz,
    sha256        text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    finished_at   timestamptz
);
CREATE INDEX uploads_user ON uploads (user_id, id);
-- The pending-uploads sweep: what has expired.
CREATE INDEX uploads_pending_expiry ON uploads (expires_at) WHERE state = 'pending';

-- Idempotency-Key on create and complete: the first response, kept 24 h.
CREATE TABLE idempotency_keys (
    user_id       uuid NOT NULL REFERENCES users (id),
    key           text NOT NULL,
    scope         text NOT NULL,                 -- the route, e.g. 'POST /v1/uploads'
    request_hash  bytea NOT NULL,
    status        integer,                       -- null while the first request is in flight
    response_body bytea,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, scope, key)
);
CREATE INDEX idempotency_keys_age ON idempotency_keys (created_at);
