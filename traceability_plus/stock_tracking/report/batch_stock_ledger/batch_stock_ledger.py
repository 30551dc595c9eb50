# Copyright (c) 2026, Traceability Plus developers
# For license information, please see license.txt

"""Batch Stock Ledger: every movement of one batch in date order, with who it went to or
came from and the running balance in each warehouse."""

import frappe
from frappe import _
from frappe.utils import getdate

from traceability_plus.core.stock_balance import running_balances
from traceability_plus.stock_tracking.stock_movements import StockMovements, kind_label
from traceability_plus.traceability_setup.records import permitted_warehouses, require_company
from traceability_plus.traceability_setup.report_columns import (
	batch_column,
	column,
	party_columns,
	uom_column,
	voucher_columns,
	warehouse_column,
)


def execute(filters: dict | None = None):
	filters = frappe._dict(filters or {})
	require_company(filters)
	if not filters.batch_no:
		frappe.throw(_("Select a Batch No."), title=_("Filter Missing"))
	if not frappe.db.exists("Batch", filters.batch_no):
		frappe.throw(_("Batch {0} does not exist.").format(filters.batch_no), frappe.DoesNotExistError)
	frappe.has_permission("Batch", "read", filters.batch_no, throw=True)
	if filters.from_date and filters.to_date and getdate(filters.from_date) > getdate(filters.to_date):
		frappe.throw(_("From Date must be before To Date."))
	return get_columns(), get_data(filters)


@frappe.read_only()
def get_data(filters) -> list[dict]:
	warehouses = set(permitted_warehouses(filters.company, filters.warehouse))
	item_code = frappe.db.get_value("Batch", filters.batch_no, "item")
	reader = StockMovements(filters.company, to_date=filters.to_date)
	movements = [m for m in reader.of_lots({(item_code, filters.batch_no)}) if m.warehouse in warehouses]
	balances = running_balances((m.warehouse, m.qty) for m in movements)

	from_date = getdate(filters.from_date) if filters.from_date else None
	opening: dict[str, float] = {}
	rows = []
	for movement, balance in zip(movements, balances, strict=True):
		if from_date and movement.posting_date < from_date:
			opening[movement.warehouse] = balance
			continue
		rows.append(
			{
				"posting_date": movement.posting_date,
				"movement": kind_label(movement.kind),
				"voucher_type": movement.voucher_type,
				"voucher_no": movement.voucher_no,
				"item_code": movement.item_code,
				"batch_no": movement.batch_no,
				"warehouse": movement.warehouse,
				"in_qty": movement.qty if movement.qty > 0 else 0,
				"out_qty": -movement.qty if movement.qty < 0 else 0,
				"balance_qty": balance,
				"party_type": movement.party_type,
				"party": movement.party,
			}
		)
	opening_rows = [
		{
			"posting_date": from_date,
			"movement": _("Opening"),
			"item_code": item_code,
			"batch_no": filters.batch_no,
			"warehouse": warehouse,
			"balance_qty": qty,
		}
		for warehouse, qty in sorted(opening.items())
	]
	# One batch is one item: every quantity is in that item's stock unit, shown on each row.
	stock_uom = frappe.get_cached_value("Item", item_code, "stock_uom")
	for row in opening_rows + rows:
		row["stock_uom"] = stock_uom
	return opening_rows + rows


def get_columns() -> list[dict]:
	return [
		column(_("Posting Date"), "posting_date", "Date", width=100),
		column(_("Movement"), "movement", width=130),
		*voucher_columns(),
		column(_("Item"), "item_code", "Link", "Item", 150),
		batch_column(),
		warehouse_column(),
		column(_("In Qty"), "in_qty", "Float", width=90),
		column(_("Out Qty"), "out_qty", "Float", width=90),
		column(_("Balance Qty"), "balance_qty", "Float", width=100),
		uom_column(),
		*party_columns(),
	]
