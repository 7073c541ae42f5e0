"""Reports: a self-contained HTML file (Jinja2) of a replay, from the same document as `--json`."""
