"""Reading and validating files: the only code in casus that reads data files.

Every error names the file, line and column, the field path, what was expected and what was
found. Nothing is half-loaded: a file either yields a validated model or a list of errors.
"""
