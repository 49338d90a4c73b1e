"""facilitator: run participatory workshop series live and write their report."""

__version__ = "0.1.0"
