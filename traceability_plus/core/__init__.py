"""Pure traceability logic: plain data in, plain data out.

Nothing below this package imports frappe, so it is tested fast with pytest
and no database.
"""
