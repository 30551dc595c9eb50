"""Stock per batch and warehouse, summed from ERPNext's ledger for the batch reports.

Quantities and values are sums of Serial and Batch Entry rows (signed, as ERPNext sums
them for a batch balance) whose ledger entry is not cancelled, plus the old
Stock Ledger Entry.batch_no rows that have no bundle.
"""

from datetime import datetime, time, timedelta

import frappe
from frappe.query_builder.functions import Sum
from frappe.utils import flt, getdate
from pypika.terms import Function

from traceability_plus.stock_tracking.stock_movements import ENTRY, SLE, WITHOUT_BUNDLE


def batch_balances(
	company: str | None = None,
	to_date=None,
	after_date=None,
	item_codes: list[str] | None = None,
	warehouses: list[str] | None = None,
	batch_nos: list[str] | None = None,
	keep_zero: bool = False,
	by_month: bool = False,
) -> list[frappe._dict]:
	"""Quantity and value of each batch in each warehouse on `to_date`, of one company or
	of all; balances at zero are left out unless `keep_zero`. With `after_date`, only what
	was posted after that date is summed; `by_month` sums each month apart (`month`: the
	month's first day)."""
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
		if by_month:
			month = Function("DATE_FORMAT", SLE.posting_date, "%Y-%m-01")
			query = query.select(month.as_("month")).groupby(month)
		if company:
			query = query.where(SLE.company == company)
		# On the posting time's index (v15 has none on the date): before the next midnight.
		if to_date:
			query = query.where(SLE.posting_datetime < next_midnight(to_date))
		if after_date:
			query = query.where(SLE.posting_datetime >= next_midnight(after_date))
		if item_codes is not None:
			query = query.where(SLE.item_code.isin(item_codes or [""]))
		if warehouses is not None:
			query = query.where(SLE.warehouse.isin(warehouses or [""]))
		if batch_nos is not None:
			query = query.where(batch_field.isin(batch_nos or [""]))
		for row in query.run(as_dict=True):
			if by_month:
				row.month = getdate(row.month)
			key = (row.item_code, row.batch_no, row.warehouse, row.get("month"))
			if key in totals:
				totals[key].qty += flt(row.qty)
				totals[key].stock_value += flt(row.stock_value)
			else:
				totals[key] = frappe._dict(row, qty=flt(row.qty), stock_value=flt(row.stock_value))
	return [row for row in totals.values() if keep_zero or abs(row.qty) > 1e-9]


def next_midnight(day) -> datetime:
	"""The start of the day after `day`: what was posted on `day` comes before it."""
	return datetime.combine(getdate(day) + timedelta(days=1), time.min)
