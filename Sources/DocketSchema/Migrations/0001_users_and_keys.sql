-- Users own documents and quota; API keys authenticate them (CONTRACT.md §2).
-- Only the SHA-256 of a key is stored: a leaked table leaks no key.
CREATE TABLE users (
    id          uuid PRIMARY KEY,
    name        text NOT NULL UNIQUE,
    quota_bytes bigint NOT NULL CHECK (quota_bytes >= 0),
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
    id         uuid PRIMARY KEY,
    user_id    uuid NOT NULL REFERENCES users (id),
    role       text NOT NULL CHECK (role IN ('client', 'admin')),
    key_sha256 bytea NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);

CREATE INDEX api_keys_user ON api_keys (user_id);
