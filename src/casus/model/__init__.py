"""Immutable domain types: instruments, organizations, cases, claims, requests.

This package knows nothing of files, YAML, the terminal or the web. It is data in, data out;
`casus.schema` builds these types from files, and the layers above read them.
"""
