import frappe
from frappe.installer import add_module_defs


def execute():
	"""1.0 splits the one "Traceability Plus" module into a module per capability (see
	modules.txt): their Module Defs exist before the doctypes are synced into them.

	Frappe keeps the app's module list in the cache and in this process; the sync that runs
	after this patch reads that list, so it is rebuilt from modules.txt here, else the sync
	looks for the old module's folder."""
	frappe.clear_cache()
	frappe.setup_module_map()
	add_module_defs("traceability_plus", ignore_if_duplicate=True)
