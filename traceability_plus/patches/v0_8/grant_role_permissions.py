from traceability_plus.traceability_setup.permissions import grant_app_permissions, set_default_hold_roles


def execute():
	"""Read and report on Batch and Serial No for the roles the app serves; who may hold stock."""
	grant_app_permissions()
	set_default_hold_roles()
