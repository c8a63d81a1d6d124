"""A locked subsidy sheet never changes, whoever writes to the database.

The service refuses to recompute a locked sheet; these triggers are the last word for any
other path (a raw UPDATE, a script, a bulk load):

* lines: statement-level triggers with transition tables refuse an INSERT, UPDATE or
  DELETE touching a line of a locked sheet (one check per statement, so the COPY of a
  100,000-line sheet pays one join, not a lookup per row);
* sheets: a locked sheet's row may not change at all (its state cannot leave 已锁定) nor be
  deleted;
* adjustments: new adjustments may be added to a locked sheet (that is how it is
  corrected), but an adjustment of a locked sheet is never edited or deleted.
"""

from django.db import migrations

CREATE = """
CREATE FUNCTION subsidy_line_locked_check() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        IF EXISTS (SELECT 1 FROM subsidy_new_rows n JOIN subsidies_subsidysheet s ON s.id = n.sheet_id
                   WHERE s.state = 'locked') THEN
            RAISE EXCEPTION 'subsidy sheet is locked: its lines cannot change'
                USING ERRCODE = 'check_violation', CONSTRAINT = 'subsidy_sheet_locked';
        END IF;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        IF EXISTS (SELECT 1 FROM subsidy_old_rows o JOIN subsidies_subsidysheet s ON s.id = o.sheet_id
                   WHERE s.state = 'locked') THEN
            RAISE EXCEPTION 'subsidy sheet is locked: its lines cannot change'
                USING ERRCODE = 'check_violation', CONSTRAINT = 'subsidy_sheet_locked';
        END IF;
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER subsidy_line_locked_insert AFTER INSERT ON subsidies_subsidyline
    REFERENCING NEW TABLE AS subsidy_new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION subsidy_line_locked_check();
CREATE TRIGGER subsidy_line_locked_update AFTER UPDATE ON subsidies_subsidyline
    REFERENCING OLD TABLE AS subsidy_old_rows NEW TABLE AS subsidy_new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION subsidy_line_locked_check();
CREATE TRIGGER subsidy_line_locked_delete AFTER DELETE ON subsidies_subsidyline
    REFERENCING OLD TABLE AS subsidy_old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION subsidy_line_locked_check();

CREATE FUNCTION subsidy_sheet_locked_check() RETURNS trigger AS $$
BEGIN
    IF OLD.state = 'locked' AND (TG_OP = 'DELETE' OR NEW IS DISTINCT FROM OLD) THEN
        RAISE EXCEPTION 'subsidy sheet % is locked: it cannot change or be deleted', OLD.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'subsidy_sheet_locked';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER subsidy_sheet_locked BEFORE UPDATE OR DELETE ON subsidies_subsidysheet
    FOR EACH ROW EXECUTE FUNCTION subsidy_sheet_locked_check();

CREATE FUNCTION subsidy_adjustment_locked_check() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM subsidies_subsidysheet s WHERE s.state = 'locked'
               AND (s.id = OLD.sheet_id OR (TG_OP = 'UPDATE' AND s.id = NEW.sheet_id))) THEN
        RAISE EXCEPTION 'adjustment % belongs to a locked subsidy sheet: add a new adjustment instead', OLD.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'subsidy_sheet_locked';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER subsidy_adjustment_locked BEFORE UPDATE OR DELETE ON subsidies_subsidyadjustment
    FOR EACH ROW EXECUTE FUNCTION subsidy_adjustment_locked_check();
"""

DROP = """
DROP TRIGGER IF EXISTS subsidy_adjustment_locked ON subsidies_subsidyadjustment;
DROP FUNCTION IF EXISTS subsidy_adjustment_locked_check();
DROP TRIGGER IF EXISTS subsidy_sheet_locked ON subsidies_subsidysheet;
DROP FUNCTION IF EXISTS subsidy_sheet_locked_check();
DROP TRIGGER IF EXISTS subsidy_line_locked_delete ON subsidies_subsidyline;
DROP TRIGGER IF EXISTS subsidy_line_locked_update ON subsidies_subsidyline;
DROP TRIGGER IF EXISTS subsidy_line_locked_insert ON subsidies_subsidyline;
DROP FUNCTION IF EXISTS subsidy_line_locked_check();
"""


class Migration(migrations.Migration):
    dependencies = [("subsidies", "0001_initial")]

    operations = [migrations.RunSQL(CREATE, DROP)]
