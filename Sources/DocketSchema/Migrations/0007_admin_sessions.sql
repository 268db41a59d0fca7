-- Sessions of the /admin web dashboard. The browser holds a random secret
-- in an HttpOnly cookie; only its SHA-256 is stored. A session lives no
-- longer than its admin key: revoking the key ends it at the next request.
CREATE TABLE admin_sessions (
    secret_sha256 bytea PRIMARY KEY,
    api_key_id    uuid NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL
);

CREATE INDEX admin_sessions_expiry ON admin_sessions (expires_at);
