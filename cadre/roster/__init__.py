from imports.engine import ImportReport

from .service import ROSTER_IMPORTER, roster_import

__all__ = ["ROSTER_IMPORTER", "ImportReport", "roster_import"]
