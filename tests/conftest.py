"""Shared pytest set-up for tests/: the helper modules here (nbutil, maint) are importable
through `pythonpath = ["tests"]` in pyproject.toml; nbval's own settings live in the plugin
tests/nbval_config.py, which also applies to notebooks/ and solutions/."""
