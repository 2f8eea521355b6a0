"""Loaded with `-p tools.fast_import` before nbval imports jsonschema, whose optional rfc3987_syntax
grammar costs about a second per pytest process; notebook schemas use no "iri" format."""

import sys

sys.modules.setdefault("rfc3987_syntax", None)
