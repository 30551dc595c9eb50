from traceability_plus.install import set_missing_settings_defaults, sync_custom_fields
from traceability_plus.traceability_plus.doctype.traceability_settings.traceability_settings import (
	apply_fefo_picking,
)


def execute():
	"""Hold fields on Batch and Serial No; guard and expiry-alert settings with their defaults."""
	sync_custom_fields()
	set_missing_settings_defaults()
	apply_fefo_picking()
