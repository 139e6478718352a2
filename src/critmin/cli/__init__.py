"""Command-line interface ``critmin`` (Typer + Rich): one module per domain."""
