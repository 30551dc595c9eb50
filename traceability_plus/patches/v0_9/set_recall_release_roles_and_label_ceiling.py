from traceability_plus.install import set_missing_settings_defaults
from traceability_plus.traceability_setup.permissions import set_default_hold_roles


def execute():
	"""Who may release a recall's hold (default Quality Manager); the labels ceiling's default."""
	set_missing_settings_defaults()
	set_default_hold_roles()
