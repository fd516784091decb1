"""On PostgreSQL, the database itself keeps audit events append-only: a trigger refuses every
UPDATE and DELETE, except clearing the actor of a deleted user (``on_delete=SET_NULL``) and the
retention's purge, which says so with ``SET LOCAL audit.purging = 'on'``
(``audit.services.events_purge``). SQLite, the embedded demo, relies on the model's guards."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF current_setting('audit.purging', true) = 'on' THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'audit events are append-only (AUDIT_RETENTION_DAYS purges them)';
    END IF;
    IF NEW.actor_id IS NULL
        AND (NEW.id, NEW.at, NEW.actor_label, NEW.action, NEW.object_type, NEW.object_id,
             NEW.object_label, NEW.changes, NEW.ip, NEW.request_id)
        IS NOT DISTINCT FROM
            (OLD.id, OLD.at, OLD.actor_label, OLD.action, OLD.object_type, OLD.object_id,
             OLD.object_label, OLD.changes, OLD.ip, OLD.request_id)
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit events are append-only';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent;
CREATE TRIGGER audit_event_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_event_append_only();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
