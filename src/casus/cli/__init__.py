"""The `casus` command line: thin commands over the same functions a Python user calls."""
