"""Creating the PostgreSQL database a settings dict names, before Django connects to it."""

import psycopg2
from psycopg2 import sql


def ensure_database(settings_dict: dict) -> bool:
    """Create the database named in ``settings_dict`` (an entry of settings.DATABASES) when
    the server does not have it yet, connecting to the server's ``postgres`` database with
    the same user, password, host and port. Returns True when it was created."""
    connection = psycopg2.connect(
        dbname="postgres",
        user=settings_dict.get("USER") or None,
        password=settings_dict.get("PASSWORD") or None,
        host=settings_dict.get("HOST") or None,
        port=settings_dict.get("PORT") or None,
    )
    connection.autocommit = True  # CREATE DATABASE cannot run inside a transaction
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [settings_dict["NAME"]])
            if cursor.fetchone() is not None:
                return False
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(settings_dict["NAME"])))
            return True
    finally:
        connection.close()
