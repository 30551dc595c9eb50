import frappe

from traceability_plus.traceability_setup.user_text import clean_user_text

# Text written with frappe.db.set_value before 0.9, never cleaned by Frappe.
FIELDS = (("Batch", "tp_hold_reason"), ("Serial No", "tp_hold_reason"), ("Batch", "tp_supplier_lot"))


def execute():
	"""Clean hold reasons and supplier lots stored raw: the form shows them as HTML."""
	for doctype, fieldname in FIELDS:
		if not frappe.db.has_column(doctype, fieldname):
			continue
		table = frappe.qb.DocType(doctype)
		rows = (
			frappe.qb.from_(table)
			.select(table.name, table[fieldname])
			.where(table[fieldname].like("%<%") | table[fieldname].like("%>%"))
			.run()
		)
		for name, value in rows:
			cleaned = clean_user_text(value)
			if cleaned != value:
				frappe.db.set_value(doctype, name, fieldname, cleaned, update_modified=False)
