"""The Traceability workspace's drill card: how long the last mock recall took to trace."""

import frappe

from traceability_plus.recall.doctype.product_recall.product_recall import MOCK_RECALL


@frappe.whitelist()
def last_drill_time_to_trace(filters: str | dict | None = None) -> dict:
	"""The Time To Trace of the last completed drill the user may read, opening that drill."""
	drills = frappe.get_list(
		"Product Recall",
		filters={"recall_type": MOCK_RECALL, "docstatus": 1, "completed_on": ("is", "set")},
		fields=["name", "time_to_trace"],
		order_by="completed_on desc",
		limit=1,
	)
	if not drills:
		return {"value": 0, "fieldtype": "Duration", "route": ["query-report", "Mock Recall Drills"]}
	return {
		"value": drills[0].time_to_trace or 0,
		"fieldtype": "Duration",
		"route": ["Form", "Product Recall", drills[0].name],
	}
