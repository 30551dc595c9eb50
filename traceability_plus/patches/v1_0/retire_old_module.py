import frappe

OLD_MODULE = "Traceability Plus"
# Where a record of the old module goes when nothing better is known: the shared glue.
NEW_HOME = "Traceability Setup"


def execute():
	"""After the sync every doctype and report of the app has its new module. A record a
	user made in the old module (a report, a print format, a custom field) moves to the
	shared module, so nothing links to the old one; then the old module goes."""
	if not frappe.db.exists("Module Def", OLD_MODULE):
		return
	for doctype, fieldname in module_links():
		if frappe.db.table_exists(doctype) and frappe.db.has_column(doctype, fieldname):
			frappe.db.set_value(doctype, {fieldname: OLD_MODULE}, fieldname, NEW_HOME, update_modified=False)
	frappe.delete_doc("Module Def", OLD_MODULE, ignore_permissions=True)
	frappe.clear_cache()


def module_links() -> list[tuple[str, str]]:
	"""Every (doctype, field) that links to Module Def, standard or custom."""
	links = frappe.get_all(
		"DocField",
		filters={"fieldtype": "Link", "options": "Module Def"},
		fields=["parent", "fieldname"],
		as_list=True,
	)
	links += frappe.get_all(
		"Custom Field",
		filters={"fieldtype": "Link", "options": "Module Def"},
		fields=["dt", "fieldname"],
		as_list=True,
	)
	return [(doctype, fieldname) for doctype, fieldname in links if doctype != "Module Def"]
