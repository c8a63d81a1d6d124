from .service import RosterReport, roster_import

__all__ = ["RosterReport", "roster_import"]
