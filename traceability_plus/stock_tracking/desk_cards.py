"""The Traceability workspace's stock cards: batches expiring soon and expired batches in
stock, counted from the report they open, so the card and the report always agree."""

import frappe
from frappe.desk.query_report import get_report_doc

from traceability_plus.core.expiry import ExpiryStatus
from traceability_plus.stock_tracking.report.batch_expiry_status.batch_expiry_status import get_data

EXPIRY_REPORT = "Batch Expiry Status"


@frappe.whitelist()
def batches_expiring_soon(filters: str | dict | None = None) -> dict:
	return batches_by_expiry(filters, ExpiryStatus.EXPIRING_SOON.value)


@frappe.whitelist()
def expired_batches_in_stock(filters: str | dict | None = None) -> dict:
	return batches_by_expiry(filters, ExpiryStatus.EXPIRED.value)


def batches_by_expiry(filters, expiry: str) -> dict:
	"""The number of batches in stock with this expiry, in the warehouses the user may read,
	and the route to the same rows in Batch Expiry Status."""
	get_report_doc(EXPIRY_REPORT)  # throws unless the user may run the report
	filters = frappe._dict(frappe.parse_json(filters) or {})
	company = filters.company or frappe.defaults.get_user_default("Company")
	card = {"fieldtype": "Int", "route": ["query-report", EXPIRY_REPORT]}
	if not company:
		return {**card, "value": 0}
	frappe.has_permission("Company", "read", company, throw=True)
	rows = get_data(frappe._dict(company=company, expiry=expiry))
	return {
		**card,
		"value": len({row["batch_no"] for row in rows}),
		"route_options": {"company": company, "expiry": expiry},
	}
