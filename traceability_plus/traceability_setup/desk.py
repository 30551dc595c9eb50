"""The app's reports in ERPNext's Stock workspace, under Serial No and Batch.

ERPNext's workspace is ERPNext's record: its file is never edited. The links are added as
rows of the site's copy after install and after every migrate (a migrate that brings a new
version of ERPNext's file imports it whole and drops them), and removed on uninstall."""

import frappe

STOCK_WORKSPACE = "Stock"
SERIAL_AND_BATCH_CARD = "Serial No and Batch"
REPORTS_IN_STOCK_WORKSPACE = (
	"Recall Trace",
	"Batch Expiry Status",
	"Batch Stock Balance",
	"Batch Stock Ledger",
	"Serial Warranty History",
)
ONBOARDING_STEPS = (
	"Traceability Quarantine Warehouse",
	"Traceability First Naming Rule",
	"Traceability First Label Template",
	"Traceability First Mock Recall",
)


def workspace_links(workspace: str) -> list[frappe._dict]:
	return frappe.get_all(
		"Workspace Link",
		filters={"parent": workspace, "parenttype": "Workspace", "parentfield": "links"},
		fields=["name", "idx", "type", "label", "link_type", "link_to"],
		order_by="idx",
	)


def add_reports_to_stock_workspace():
	"""Append the missing report links at the end of the Serial No and Batch card."""
	links = workspace_links(STOCK_WORKSPACE)
	start = next(
		(i for i, row in enumerate(links) if row.type == "Card Break" and row.label == SERIAL_AND_BATCH_CARD),
		None,
	)
	if start is None:
		return  # a site whose Stock workspace has no such card: nothing to extend
	end = next((i for i in range(start + 1, len(links)) if links[i].type == "Card Break"), len(links))
	present = {row.link_to for row in links[start + 1 : end] if row.link_type == "Report"}
	missing = [report for report in REPORTS_IN_STOCK_WORKSPACE if report not in present]
	if not missing:
		return
	for position, row in enumerate(links[end:], start=end + len(missing) + 1):
		frappe.db.set_value("Workspace Link", row.name, "idx", position, update_modified=False)
	for offset, report in enumerate(missing):
		frappe.get_doc(
			{
				"doctype": "Workspace Link",
				"parent": STOCK_WORKSPACE,
				"parenttype": "Workspace",
				"parentfield": "links",
				"idx": end + offset + 1,
				"type": "Link",
				"label": report,
				"link_type": "Report",
				"link_to": report,
				"is_query_report": 1,
				"dependencies": "",
			}
		).db_insert()
	frappe.clear_document_cache("Workspace", STOCK_WORKSPACE)


def remove_reports_from_stock_workspace():
	links = workspace_links(STOCK_WORKSPACE)
	ours = [row for row in links if row.link_type == "Report" and row.link_to in REPORTS_IN_STOCK_WORKSPACE]
	if not ours:
		return
	for row in ours:
		frappe.db.delete("Workspace Link", {"name": row.name})
	for position, row in enumerate((row for row in links if row not in ours), start=1):
		frappe.db.set_value("Workspace Link", row.name, "idx", position, update_modified=False)
	frappe.clear_document_cache("Workspace", STOCK_WORKSPACE)


def delete_onboarding_steps():
	"""Frappe removes a module's records on uninstall; an Onboarding Step has no module."""
	for step in ONBOARDING_STEPS:
		frappe.delete_doc("Onboarding Step", step, ignore_permissions=True, force=True, ignore_missing=True)
