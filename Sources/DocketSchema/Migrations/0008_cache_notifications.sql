-- docket-api keeps principals (by key hash) and documents' stored files in
-- memory (DocketAPI/Caches). These triggers tell every replica, at commit,
-- when an entry may no longer hold, whichever program changed the row:
-- docketctl, an API route, a worker, or psql.

-- A key revoked or deleted, or a user renamed or deleted: forget every principal.
CREATE FUNCTION docket_notify_principals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('docket_principals', '');
    RETURN NULL;
END $$;

CREATE TRIGGER api_keys_notify_principals AFTER UPDATE OR DELETE ON api_keys
    FOR EACH STATEMENT EXECUTE FUNCTION docket_notify_principals();
CREATE TRIGGER users_notify_principals AFTER UPDATE OF name OR DELETE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION docket_notify_principals();

-- A document deleted (a tombstone) or removed: forget its stored file.
CREATE FUNCTION docket_notify_document_gone() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('docket_documents', OLD.id::text);
    RETURN NULL;
END $$;

CREATE TRIGGER documents_notify_deleted AFTER UPDATE OF status ON documents
    FOR EACH ROW WHEN (NEW.status = 'deleted' AND OLD.status <> 'deleted')
    EXECUTE FUNCTION docket_notify_document_gone();
CREATE TRIGGER documents_notify_removed AFTER DELETE ON documents
    FOR EACH ROW EXECUTE FUNCTION docket_notify_document_gone();
