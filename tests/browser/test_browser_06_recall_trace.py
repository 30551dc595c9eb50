"""6. The Recall Trace report of a lot shows the customers it reached."""

from urllib.parse import urlencode


def test_recall_trace_report_shows_customers(desk, seed):
	page = desk.page
	lot = seed["batches"]["recall_start"]
	desk.goto("/app/query-report/Recall Trace?" + urlencode({"company": seed["company"], "batch_no": lot}))
	desk.wait_desk()
	page.wait_for_function(
		"() => window.frappe && frappe.query_report && frappe.query_report.report_name === 'Recall Trace'"
		" && frappe.query_report.datatable"
	)
	desk.wait_idle()
	cell = page.locator(".dt-scrollable .dt-cell__content").filter(has_text=seed["customer"]).first
	cell.wait_for(state="visible", timeout=30_000)
	desk.shot("recall-trace-report")
	filters = page.evaluate("() => frappe.query_report.get_filter_values()")
	assert filters.get("batch_no") == lot, filters
