"""Exports: pure functions from the domain to Markdown text."""
