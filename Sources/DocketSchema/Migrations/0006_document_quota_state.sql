-- Where each document's bytes stand in its user's quota, so that settling
-- and releasing happen exactly once whatever order the jobs run in, and
-- however often one is delivered (DESIGN.md "Uploads and quota"):
--   reserved  counted in users.reserved_bytes (from the upload's creation)
--   used      counted in users.used_bytes (quota.settle ran)
--   released  counted nowhere (cancelled, expired, or quota.release ran)
-- Every change is one conditional UPDATE of this column together with the
-- user's figures, in one transaction.
ALTER TABLE documents
    ADD COLUMN quota_state text NOT NULL DEFAULT 'reserved'
        CHECK (quota_state IN ('reserved', 'used', 'released'));

-- Documents whose pending upload already ended gave their bytes back then.
UPDATE documents d SET quota_state = 'released'
FROM uploads u
WHERE u.document_id = d.id AND u.state IN ('cancelled', 'expired');
