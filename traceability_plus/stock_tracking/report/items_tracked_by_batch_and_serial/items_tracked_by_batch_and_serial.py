# Copyright (c) 2026, Traceability Plus developers
# For license information, please see license.txt

"""Items that have both Has Batch No and Has Serial No, for the admin to fix one by one.

They predate the app's batch-or-serial rule. ERPNext refuses to change either flag
once stock has moved, so the report says which items can be fixed on the Item form
and which need their stock moved to a new item first.
"""

import frappe
from frappe import _
from frappe.query_builder.functions import Count
from frappe.utils import cint


def execute(filters: dict | None = None):
	filters = frappe._dict(filters or {})
	return get_columns(), get_data(filters), get_message()


def get_columns() -> list[dict]:
	return [
		{"label": _("Item"), "fieldname": "item_code", "fieldtype": "Link", "options": "Item", "width": 180},
		{"label": _("Item Name"), "fieldname": "item_name", "fieldtype": "Data", "width": 200},
		{
			"label": _("Item Group"),
			"fieldname": "item_group",
			"fieldtype": "Link",
			"options": "Item Group",
			"width": 140,
		},
		{"label": _("Disabled"), "fieldname": "disabled", "fieldtype": "Check", "width": 80},
		{
			"label": _("Stock Ledger Entries"),
			"fieldname": "stock_ledger_entries",
			"fieldtype": "Int",
			"width": 140,
		},
		{"label": _("How To Fix"), "fieldname": "how_to_fix", "fieldtype": "Data", "width": 420},
	]


def get_data(filters) -> list[dict]:
	item = frappe.qb.DocType("Item")
	query = (
		frappe.qb.from_(item)
		.select(item.name.as_("item_code"), item.item_name, item.item_group, item.disabled)
		.where((item.has_batch_no == 1) & (item.has_serial_no == 1))
		.orderby(item.name)
	)
	if not cint(filters.include_disabled):
		query = query.where(item.disabled == 0)
	rows = query.run(as_dict=True)
	if not rows:
		return []

	sle = frappe.qb.DocType("Stock Ledger Entry")
	ledger_counts = dict(
		frappe.qb.from_(sle)
		.select(sle.item_code, Count("*"))
		.where(sle.item_code.isin([row.item_code for row in rows]) & (sle.is_cancelled == 0))
		.groupby(sle.item_code)
		.run()
	)
	for row in rows:
		row.stock_ledger_entries = ledger_counts.get(row.item_code, 0)
		row.how_to_fix = (
			_("Stock has moved: ERPNext keeps both flags. Move its stock to a new item tracked one way.")
			if row.stock_ledger_entries
			else _("No stock yet: untick Has Batch No or Has Serial No on the item.")
		)
	return rows


def get_message() -> str:
	return _(
		"Traceability Plus tracks an item by batch or by serial number, never both. "
		"These items had both before it was installed; they keep working until you fix them."
	)
