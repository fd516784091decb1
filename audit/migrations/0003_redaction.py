"""An erasure (``audit.services.events_redact``) may overwrite personal data in audit events:
the trigger lets a transaction that says so with ``SET LOCAL audit.redacting = 'on'`` update
rows. Everything else stays refused."""

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
    IF current_setting('audit.redacting', true) = 'on'
        AND (NEW.id, NEW.at, NEW.action, NEW.object_type, NEW.object_id, NEW.request_id)
        IS NOT DISTINCT FROM
            (OLD.id, OLD.at, OLD.action, OLD.object_type, OLD.object_id, OLD.request_id)
    THEN
        RETURN NEW;
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
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_trigger")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
