# Copyright (c) 2026, Traceability Plus developers
# For license information, please see license.txt

"""Mock Recall Drills: every drill with how long the trace took and how much of the quantity it
accounted for, the two figures BRCGS and SQF auditors ask for."""

import frappe
from frappe import _
from frappe.query_builder.functions import Count
from frappe.utils import add_days, getdate

from traceability_plus.traceability_setup.records import require_company
from traceability_plus.traceability_setup.report_columns import column, shown_as_text


def execute(filters: dict | None = None):
	filters = frappe._dict(filters or {})
	require_company(filters)
	frappe.has_permission("Product Recall", "read", throw=True)
	drills = get_data(filters)
	hidden = count_drills(filters) - len(drills)
	message = (
		_("{0} drills of this company are not shown: you may not read them.").format(hidden)
		if hidden
		else None
	)
	return get_columns(), drills, message


def drill_filters(filters) -> list[list]:
	conditions = [
		["recall_type", "=", "Mock Recall"],
		["company", "=", filters.company],
		["docstatus", "<", 2],
	]
	if filters.from_date:
		conditions.append(["started_on", ">=", getdate(filters.from_date)])
	if filters.to_date:
		conditions.append(["started_on", "<", add_days(getdate(filters.to_date), 1)])
	return conditions


def get_data(filters) -> list[dict]:
	"""The drills the user may read: Frappe's list rules (user permissions, sharing, owner)."""
	drills = frappe.get_list(
		"Product Recall",
		filters=drill_filters(filters),
		fields=[
			"name",
			"status",
			"started_on",
			"traced_on",
			"time_to_trace",
			"completed_on",
			"time_to_complete",
			"affected_lot_count",
			"customer_count",
			"accounted_share",
			"unexplained_qty",
			"reason",
		],
		order_by="started_on desc",
		limit_page_length=0,
	)
	several_units = drills_of_several_units([drill.name for drill in drills])
	for drill in drills:
		drill.reason = shown_as_text(drill.reason)
		if drill.name in several_units:
			drill.unexplained_qty = None  # no total across units: the drill's form has each
	return drills


def drills_of_several_units(names: list[str]) -> set[str]:
	if not names:
		return set()
	quantity = frappe.qb.DocType("Product Recall Quantity")
	query = (
		frappe.qb.from_(quantity)
		.select(quantity.parent)
		.where(quantity.parent.isin(names))
		.where(quantity.parenttype == "Product Recall")
		.groupby(quantity.parent)
		.having(Count(quantity.name) > 1)
	)
	return set(query.run(pluck=True))


def count_drills(filters) -> int:
	"""All drills of the filters, to say how many the user was not shown."""
	return frappe.db.count("Product Recall", filters=drill_filters(filters))


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
