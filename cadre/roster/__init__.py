from .service import RosterReport, roster_import, roster_import_rows

__all__ = ["RosterReport", "roster_import", "roster_import_rows"]
