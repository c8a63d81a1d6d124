"""Who holds a seat is stored once: a reserve seated through the registry (Cadre.seat with
status seated) or an incumbent outside the registry (Seat.holder_name), never both.

Two deferred-able constraint triggers check it whenever either side changes; the one on
cadres fires only for seated rows, so bulk imports (COPY of reserves) pay nothing.
"""

from django.db import migrations

CHECK = """
CREATE FUNCTION seat_single_holder_check(seat bigint) RETURNS void AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM org_seat s JOIN cadre_cadre c ON c.seat_id = s.id
        WHERE s.id = seat AND c.status = 'seated' AND s.holder_name <> ''
    ) THEN
        RAISE EXCEPTION 'seat % is held by a seated reserve and records another holder', seat
            USING ERRCODE = 'check_violation', CONSTRAINT = 'seat_single_holder';
    END IF;
END $$ LANGUAGE plpgsql;

CREATE FUNCTION seat_single_holder_on_seat() RETURNS trigger AS $$
BEGIN PERFORM seat_single_holder_check(NEW.id); RETURN NULL; END $$ LANGUAGE plpgsql;

CREATE FUNCTION seat_single_holder_on_cadre() RETURNS trigger AS $$
BEGIN PERFORM seat_single_holder_check(NEW.seat_id); RETURN NULL; END $$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER seat_single_holder AFTER INSERT OR UPDATE OF holder_name ON org_seat
    DEFERRABLE INITIALLY IMMEDIATE FOR EACH ROW WHEN (NEW.holder_name <> '')
    EXECUTE FUNCTION seat_single_holder_on_seat();

CREATE CONSTRAINT TRIGGER cadre_seat_single_holder AFTER INSERT OR UPDATE OF status, seat_id ON cadre_cadre
    DEFERRABLE INITIALLY IMMEDIATE FOR EACH ROW WHEN (NEW.status = 'seated')
    EXECUTE FUNCTION seat_single_holder_on_cadre();
"""

DROP = """
DROP TRIGGER IF EXISTS cadre_seat_single_holder ON cadre_cadre;
DROP TRIGGER IF EXISTS seat_single_holder ON org_seat;
DROP FUNCTION IF EXISTS seat_single_holder_on_cadre();
DROP FUNCTION IF EXISTS seat_single_holder_on_seat();
DROP FUNCTION IF EXISTS seat_single_holder_check(bigint);
"""

# Seats that a seated reserve holds stop repeating the reserve's name: the registry is the truth.
CLEAR_DUPLICATES = """
UPDATE org_seat s SET holder_name = '', holder_since = NULL
FROM cadre_cadre c WHERE c.seat_id = s.id AND c.status = 'seated';
"""


class Migration(migrations.Migration):
    dependencies = [
        ("cadre", "0006_roster_import_refusal"),
        ("org", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(CLEAR_DUPLICATES, migrations.RunSQL.noop),
        migrations.RunSQL(CHECK, DROP),
    ]
