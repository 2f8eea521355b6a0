"""pytest plugin loaded with `-p tools.fast_import`, before nbval imports nbformat and jsonschema:
jsonschema's optional rfc3987_syntax grammar costs about a second in every pytest process, and
notebook schemas use no "iri" format. (JupyterLab, in its own process, is unaffected.)"""

import sys

sys.modules.setdefault("rfc3987_syntax", None)
