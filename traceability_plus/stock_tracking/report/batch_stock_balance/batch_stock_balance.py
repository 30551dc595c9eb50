# Copyright (c) 2026, Traceability Plus developers
# For license information, please see license.txt

"""Batch Stock Balance: quantity of each batch in each warehouse on a date, with its
expiry and hold, so a stock count or a recall starts from the right numbers.

Today's balances are the kept Batch Warehouse Balance; a past date's are those less what
the ledger posted after it, so the report's cost follows the period, not the ledger."""

from operator import itemgetter

import frappe
from frappe import _
from frappe.utils import getdate, nowdate

from traceability_plus.core.expiry import ExpiryStatus, days_to_expiry, expiry_status
from traceability_plus.stock_tracking.batch_warehouse_balance import balances_on
from traceability_plus.traceability_setup.records import (
	item_details,
	items_in_scope,
	permitted_warehouses,
	require_company,
)
from traceability_plus.traceability_setup.report_columns import (
	batch_column,
	column,
	expiry_columns,
	item_columns,
	shown_as_text,
	warehouse_column,
)


def execute(filters: dict | None = None):
	filters = frappe._dict(filters or {})
	require_company(filters)
	return get_columns(), get_data(filters)


@frappe.read_only()
def get_data(filters) -> list[dict]:
	on_date = getdate(filters.to_date or nowdate())
	alert_days = frappe.db.get_single_value("Traceability Settings", "expiry_alert_days") or 30
	balances = balances_on(
		filters.company,
		on_date,
		item_codes=items_in_scope(filters.item_code, filters.item_group),
		warehouses=permitted_warehouses(filters.company, filters.warehouse),
		batch_nos=[filters.batch_no] if filters.batch_no else None,
	)
	balances.sort(key=itemgetter(0, 1, 2))  # item_code, batch_no, warehouse
	items = {
		item_code: {"item_name": item.item_name, "stock_uom": item.stock_uom}
		for item_code, item in item_details({row.item_code for row in balances}).items()
	}
	no_item = {"item_name": None, "stock_uom": None}
	status_label = {status: _(status.value) for status in ExpiryStatus}
	batches = {
		batch_no: batch_columns(expiry, on_hold, reason, on_date, alert_days, status_label)
		for batch_no, (expiry, on_hold, reason) in expiry_and_hold({row.batch_no for row in balances}).items()
	}
	no_batch = batch_columns(None, 0, None, on_date, alert_days, status_label)
	# A long-lived site has thousands of batches in stock: each row only merges what was
	# worked out once per item and once per batch.
	return [
		{
			"item_code": balance.item_code,
			"batch_no": balance.batch_no,
			"warehouse": balance.warehouse,
			"qty": balance.qty,
			"stock_value": balance.stock_value,
			**items.get(balance.item_code, no_item),
			**batches.get(balance.batch_no, no_batch),
		}
		for balance in balances
	]


def batch_columns(expiry, on_hold, hold_reason, on_date, alert_days: int, status_label: dict) -> dict:
	"""A batch's expiry and hold columns on `on_date`."""
	expiry = getdate(expiry) if expiry else None
	return {
		"expiry_date": expiry,
		"days_to_expiry": days_to_expiry(expiry, on_date),
		"expiry_status": status_label[expiry_status(expiry, on_date, alert_days)],
		"on_hold": on_hold or 0,
		"hold_reason": shown_as_text(hold_reason),
	}


def expiry_and_hold(batch_nos: set[str]) -> dict[str, tuple]:
	"""(expiry date, on hold, hold reason) of each batch, read as plain tuples: a long-lived
	site can have thousands of batches in stock, and turning rows into objects is most of
	the cost."""
	if not batch_nos:
		return {}
	batch = frappe.qb.DocType("Batch")
	query = (
		frappe.qb.from_(batch)
		.select(batch.name, batch.expiry_date, batch.tp_on_hold, batch.tp_hold_reason)
		.where(batch.name.isin(list(batch_nos)))
	)
	return {name: (expiry, on_hold, reason) for name, expiry, on_hold, reason in query.run()}


def get_columns() -> list[dict]:
	return [
		*item_columns(),
		batch_column(),
		warehouse_column(),
		column(_("Balance Qty"), "qty", "Float", width=100),
		column(_("UOM"), "stock_uom", "Data", width=70),
		column(_("Balance Value"), "stock_value", "Currency", width=120),
		*expiry_columns(),
		column(_("Expiry Status"), "expiry_status", width=110),
		column(_("On Hold"), "on_hold", "Check", width=70),
		column(_("Hold Reason"), "hold_reason", width=160),
	]
