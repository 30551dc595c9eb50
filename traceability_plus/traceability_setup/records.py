"""Reads of ERPNext records that every capability's reports and exports use, with the
user's permissions: a report shows only what the user may read, and says what it left out."""

import frappe
from frappe import _
from frappe.utils import escape_html
from frappe.utils.nestedset import get_descendants_of

BATCH = frappe.qb.DocType("Batch")


def batch_details(batch_nos: set[str]) -> dict[str, frappe._dict]:
	"""Item, dates, supplier lot and hold of each batch."""
	if not batch_nos:
		return {}
	query = frappe.qb.from_(BATCH).select(
		BATCH.name,
		BATCH.item,
		BATCH.expiry_date,
		BATCH.manufacturing_date,
		BATCH.tp_supplier_lot,
		BATCH.tp_on_hold,
		BATCH.tp_hold_reason,
	)
	return {row.name: row for row in query.where(BATCH.name.isin(list(batch_nos))).run(as_dict=True)}


def item_details(item_codes: set[str]) -> dict[str, frappe._dict]:
	"""Name, group and stock unit of each item."""
	if not item_codes:
		return {}
	item = frappe.qb.DocType("Item")
	query = frappe.qb.from_(item).select(item.name, item.item_name, item.item_group, item.stock_uom)
	return {row.name: row for row in query.where(item.name.isin(list(item_codes))).run(as_dict=True)}


def permitted_warehouses(company: str, warehouse: str | None = None) -> list[str]:
	"""The company's warehouses (under `warehouse`, if given) that the user may read: the
	reports show no stock of a warehouse that the user's permissions hide."""
	filters = {"company": company, "is_group": 0}
	if warehouse:
		if not frappe.db.exists("Warehouse", warehouse):
			frappe.throw(_("Warehouse {0} does not exist.").format(warehouse), frappe.DoesNotExistError)
		filters["name"] = ("in", [warehouse, *get_descendants_of("Warehouse", warehouse)])
	return frappe.get_list("Warehouse", filters=filters, pluck="name", limit_page_length=0)


def readable_names(doctype: str, names: set[str]) -> set[str]:
	"""The documents among `names` that the user may read (user permissions, sharing, owner)."""
	if not names or not frappe.has_permission(doctype, "read"):
		return set()
	return set(
		frappe.get_list(doctype, filters={"name": ("in", list(names))}, pluck="name", limit_page_length=0)
	)


def hidden_rows_message(hidden: int) -> str | None:
	"""The line a report adds when it left out rows the user may not read."""
	if not hidden:
		return None
	return _("{0} rows are not shown: they are of warehouses or documents you may not read.").format(hidden)


def items_in_scope(item_code: str | None = None, item_group: str | None = None) -> list[str] | None:
	"""The items a report's filters name: one item, the items of a group and its subgroups,
	or None for every item."""
	if item_code:
		return [item_code]
	if item_group:
		groups = [item_group, *get_descendants_of("Item Group", item_group)]
		return frappe.get_all("Item", filters={"item_group": ("in", groups)}, pluck="name")
	return None


def require_company(filters) -> None:
	"""Every report is of one company, which the user must be allowed to read."""
	if not filters.get("company"):
		frappe.throw(_("Select a Company."), title=_("Filter Missing"))
	frappe.has_permission("Company", "read", filters.get("company"), throw=True)


def require_readable(doctype: str, name: str | None) -> None:
	"""One answer whether the document is missing or not the user's to read: no probing names."""
	if not name or not frappe.db.exists(doctype, name) or not frappe.has_permission(doctype, "read", name):
		frappe.throw(
			_("{0} {1} does not exist, or you may not read it.").format(_(doctype), escape_html(name or "")),
			frappe.PermissionError,
		)
