from traceability_plus.install import set_missing_settings_defaults, sync_custom_fields


def execute():
	"""Hold fields on Batch and Serial No; guard and expiry-alert settings with their defaults."""
	sync_custom_fields()
	set_missing_settings_defaults()
