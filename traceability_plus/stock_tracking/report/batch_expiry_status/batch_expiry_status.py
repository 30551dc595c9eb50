# Copyright (c) 2026, Traceability Plus developers
# For license information, please see license.txt

"""Batch Expiry Status: every batch in stock, per warehouse, with how long it has left."""

from datetime import date, timedelta

import frappe
from frappe import _
from frappe.utils import cint, format_date, getdate, nowdate

from traceability_plus.core.expiry import ON_HOLD, ExpiryStatus, days_to_expiry, expiry_status, stock_status
from traceability_plus.stock_tracking.batch_warehouse_balance import balances_in_stock
from traceability_plus.traceability_setup.records import (
	batch_details,
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

CHART_WEEKS = 12
# The Expiry filter: a batch's expiry alone, whether or not it is also on hold.
EXPIRY_FILTERS = (ExpiryStatus.EXPIRED.value, ExpiryStatus.EXPIRING_SOON.value)


def execute(filters: dict | None = None):
	filters = frappe._dict(filters or {})
	require_company(filters)
	if filters.expiring_within_days not in (None, "") and cint(filters.expiring_within_days) < 0:
		frappe.throw(_("Expiring Within (Days) cannot be negative."))
	if filters.expiry and filters.expiry not in EXPIRY_FILTERS:
		frappe.throw(_("Expiry must be Expired or Expiring Soon, or empty for every batch."))
	rows = get_data(filters)
	return get_columns(), rows, None, get_chart(rows), get_summary(rows, filters.company)


@frappe.read_only()
def get_data(filters) -> list[dict]:
	today = getdate(nowdate())
	within_days = alert_days(filters)
	balances = balances_in_stock(
		filters.company,
		permitted_warehouses(filters.company, filters.warehouse),
		items_in_scope(filters.item_code, filters.item_group),
	)
	held = batch_details({row.batch_no for row in balances if row.on_hold})
	expiring_only = filters.expiring_within_days not in (None, "")
	# The status depends only on the expiry date and the hold: worked out once for each.
	status_of: dict[tuple, str] = {}
	rows = []
	for balance in balances:
		expiry = balance.expiry_date
		days_left = days_to_expiry(expiry, today)
		if expiring_only and (expiry is None or days_left > within_days):
			continue
		if filters.expiry and expiry_status(expiry, today, within_days).value != filters.expiry:
			continue
		status_key = (expiry, balance.on_hold)
		status = status_of.get(status_key)
		if status is None:
			status = status_of[status_key] = stock_status(expiry, today, within_days, bool(balance.on_hold))
		rows.append(
			{
				"item_code": balance.item_code,
				"item_name": balance.item_name,
				"batch_no": balance.batch_no,
				"manufacturing_date": balance.manufacturing_date,
				"expiry_date": expiry,
				"days_to_expiry": days_left,
				"status": status,
				"hold_reason": shown_as_text(held[balance.batch_no].tp_hold_reason)
				if balance.on_hold
				else None,
				"warehouse": balance.warehouse,
				"qty": balance.qty,
				"stock_uom": balance.stock_uom,
				"stock_value": balance.stock_value,
			}
		)
	rows.sort(key=lambda row: (row["expiry_date"] or date.max, row["batch_no"], row["warehouse"]))
	return rows


def alert_days(filters) -> int:
	"""Soon means within the filter's days, or within Traceability Settings' alert days."""
	if filters.expiring_within_days not in (None, ""):
		return cint(filters.expiring_within_days)
	return cint(frappe.db.get_single_value("Traceability Settings", "expiry_alert_days") or 30)


def get_columns() -> list[dict]:
	return [
		*item_columns(),
		batch_column(),
		column(_("Manufacturing Date"), "manufacturing_date", "Date", width=110),
		*expiry_columns(),
		column(_("Status"), "status", width=110),
		column(_("Hold Reason"), "hold_reason", width=160),
		warehouse_column(),
		column(_("Qty"), "qty", "Float", width=90),
		column(_("UOM"), "stock_uom", "Data", width=70),
		column(_("Stock Value"), "stock_value", "Currency", width=120),
	]


def get_chart(rows: list[dict]) -> dict | None:
	"""Stock value expiring per week for the next weeks; what has already expired in one bar.
	Value, not quantity: one bar may hold kilograms of one item and boxes of another."""
	today = getdate(nowdate())
	this_week = today - timedelta(days=today.weekday())
	weeks = [this_week + timedelta(weeks=n) for n in range(CHART_WEEKS)]
	expired = 0.0
	per_week = dict.fromkeys(weeks, 0.0)
	for row in rows:
		expiry = row["expiry_date"]
		if expiry is None:
			continue
		if expiry < today:
			expired += row["stock_value"]
			continue
		week = expiry - timedelta(days=expiry.weekday())
		if week in per_week:
			per_week[week] += row["stock_value"]
	if not expired and not any(per_week.values()):
		return None
	return {
		"data": {
			# The week's Monday, short ("07 Dec"): a longer label is cut under a narrow bar.
			"labels": [_("Expired")] + [format_date(week, "dd MMM") for week in weeks],
			"datasets": [{"name": _("Stock Value Expiring"), "values": [expired, *per_week.values()]}],
		},
		"type": "bar",
		"fieldtype": "Currency",
		"colors": ["#e24c4c"],
	}


def get_summary(rows: list[dict], company: str) -> list[dict]:
	def value_of(*statuses):
		return sum(row["stock_value"] for row in rows if row["status"] in statuses)

	currency = frappe.get_cached_value("Company", company, "default_currency")
	return [
		{
			"label": _("Expired Stock Value"),
			"value": value_of(ExpiryStatus.EXPIRED.value),
			"datatype": "Currency",
			"currency": currency,
			"indicator": "Red",
		},
		{
			"label": _("Expiring Soon Stock Value"),
			"value": value_of(ExpiryStatus.EXPIRING_SOON.value),
			"datatype": "Currency",
			"currency": currency,
			"indicator": "Orange",
		},
		{
			"label": _("On Hold Stock Value"),
			"value": value_of(ON_HOLD),
			"datatype": "Currency",
			"currency": currency,
			"indicator": "Grey",
		},
		{
			"label": _("Batches Listed"),
			"value": len({row["batch_no"] for row in rows}),
			"datatype": "Int",
			"indicator": "Blue",
		},
	]
