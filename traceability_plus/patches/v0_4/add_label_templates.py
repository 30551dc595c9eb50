from traceability_plus.install import make_default_label_templates, set_missing_settings_defaults


def execute():
	"""Label Templates for a thermal label, a shipping label and an A4 sheet; the thermal one
	becomes the default."""
	set_missing_settings_defaults()
	make_default_label_templates()
