# Copyright (c) 2026, Traceability Plus developers
# For license information, please see license.txt

"""Mock Recall Drills: every drill with how long the trace took and how much of the quantity it
accounted for, the two figures BRCGS and SQF auditors ask for."""

import frappe
from frappe import _
from frappe.utils import add_days, getdate

from traceability_plus.batch_stock import require_company
from traceability_plus.report_columns import column


def execute(filters: dict | None = None):
	filters = frappe._dict(filters or {})
	require_company(filters)
	frappe.has_permission("Product Recall", "read", throw=True)
	return get_columns(), get_data(filters)


def get_data(filters) -> list[dict]:
	recall = frappe.qb.DocType("Product Recall")
	query = (
		frappe.qb.from_(recall)
		.select(
			recall.name,
			recall.status,
			recall.started_on,
			recall.traced_on,
			recall.time_to_trace,
			recall.completed_on,
			recall.time_to_complete,
			recall.affected_lot_count,
			recall.customer_count,
			recall.accounted_share,
			recall.unexplained_qty,
			recall.reason,
		)
		.where(recall.recall_type == "Mock Recall")
		.where(recall.company == filters.company)
		.where(recall.docstatus < 2)
		.orderby(recall.started_on, order=frappe.qb.desc)
	)
	if filters.from_date:
		query = query.where(recall.started_on >= getdate(filters.from_date))
	if filters.to_date:
		query = query.where(recall.started_on < add_days(getdate(filters.to_date), 1))
	return query.run(as_dict=True)


def get_columns() -> list[dict]:
	return [
		column(_("Drill"), "name", "Link", "Product Recall", 140),
		column(_("Status"), "status", width=90),
		column(_("Started On"), "started_on", "Datetime", width=160),
		column(_("Traced On"), "traced_on", "Datetime", width=160),
		column(_("Time To Trace"), "time_to_trace", "Duration", width=120),
		column(_("Completed On"), "completed_on", "Datetime", width=160),
		column(_("Time To Complete"), "time_to_complete", "Duration", width=120),
		column(_("Affected Lots"), "affected_lot_count", "Int", width=90),
		column(_("Affected Customers"), "customer_count", "Int", width=90),
		column(_("Quantity Accounted For"), "accounted_share", "Percent", width=110),
		column(_("Unexplained Qty"), "unexplained_qty", "Float", width=100),
		column(_("Reason"), "reason", width=200),
	]
