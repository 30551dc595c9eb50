"""Stock per batch and warehouse, summed from ERPNext's ledger for the batch reports.

Quantities and values are sums of Serial and Batch Entry rows (signed, as ERPNext sums
them for a batch balance) whose ledger entry is not cancelled, plus the old
Stock Ledger Entry.batch_no rows that have no bundle.
"""

import frappe
from frappe import _
from frappe.query_builder.functions import Sum
from frappe.utils import flt, getdate
from frappe.utils.nestedset import get_descendants_of

from traceability_plus.stock_movements import ENTRY, SLE, WITHOUT_BUNDLE

BATCH = frappe.qb.DocType("Batch")


def batch_balances(
	company: str | None = None,
	to_date=None,
	item_codes: list[str] | None = None,
	warehouses: list[str] | None = None,
	batch_nos: list[str] | None = None,
	keep_zero: bool = False,
) -> list[frappe._dict]:
	"""Quantity and value of each batch in each warehouse on `to_date`, of one company or
	of all; balances at zero are left out unless `keep_zero`."""
	bundle_query = (
		frappe.qb.from_(SLE)
		.join(ENTRY)
		.on(ENTRY.parent == SLE.serial_and_batch_bundle)
		.select(
			SLE.item_code,
			ENTRY.batch_no,
			SLE.warehouse,
			SLE.company,
			Sum(ENTRY.qty).as_("qty"),
			Sum(ENTRY.stock_value_difference).as_("stock_value"),
		)
		.where(ENTRY.batch_no.isnotnull() & (ENTRY.batch_no != ""))
		.groupby(SLE.item_code, ENTRY.batch_no, SLE.warehouse, SLE.company)
	)
	legacy_query = (
		frappe.qb.from_(SLE)
		.select(
			SLE.item_code,
			SLE.batch_no,
			SLE.warehouse,
			SLE.company,
			Sum(SLE.actual_qty).as_("qty"),
			Sum(SLE.stock_value_difference).as_("stock_value"),
		)
		.where(SLE.batch_no.isnotnull() & (SLE.batch_no != ""))
		.where(WITHOUT_BUNDLE)
		.groupby(SLE.item_code, SLE.batch_no, SLE.warehouse, SLE.company)
	)
	totals: dict[tuple, frappe._dict] = {}
	for query, batch_field in ((bundle_query, ENTRY.batch_no), (legacy_query, SLE.batch_no)):
		query = query.where(SLE.is_cancelled == 0)
		if company:
			query = query.where(SLE.company == company)
		if to_date:
			query = query.where(SLE.posting_date <= getdate(to_date))
		if item_codes is not None:
			query = query.where(SLE.item_code.isin(item_codes or [""]))
		if warehouses is not None:
			query = query.where(SLE.warehouse.isin(warehouses or [""]))
		if batch_nos is not None:
			query = query.where(batch_field.isin(batch_nos or [""]))
		for row in query.run(as_dict=True):
			key = (row.item_code, row.batch_no, row.warehouse)
			if key in totals:
				totals[key].qty += flt(row.qty)
				totals[key].stock_value += flt(row.stock_value)
			else:
				totals[key] = frappe._dict(row, qty=flt(row.qty), stock_value=flt(row.stock_value))
	return [row for row in totals.values() if keep_zero or abs(row.qty) > 1e-9]


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
