from traceability_plus.install import set_missing_settings_defaults, sync_custom_fields


def execute():
	sync_custom_fields()
	set_missing_settings_defaults()
