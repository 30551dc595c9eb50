"""7. A draft Product Recall is traced and submitted in the form; its lots, the recalled one
and the one made from it downstream, then show On Hold."""


def test_trace_and_submit_recall_holds_lots(desk, seed):
	page = desk.page
	recall = seed["draft_recall"]
	start, downstream = seed["batches"]["recall_start"], seed["batches"]["downstream"]
	desk.open_form("Product Recall", recall)
	desk.shot("draft-recall")
	page.locator('.page-head:visible button[data-label="Trace"]').first.click()
	# Trace calls the server, then reloads the form.
	page.wait_for_function("() => cur_frm.doc.traced_on && !frappe.request.ajax_count && !cur_frm.is_dirty()")
	desk.wait_idle()
	affected = page.evaluate("() => (cur_frm.doc.affected_lots || []).map(row => row.batch_no)")
	desk.shot("traced-recall")
	assert start in affected and downstream in affected, (
		f"the trace of {start} lists {affected}, not both it and {downstream} made from it"
	)

	page.locator(".page-head:visible .primary-action").first.click()
	# Frappe asks "Permanently Submit ...?".
	confirm = page.locator(".modal:visible").filter(has_text="Submit").last
	confirm.wait_for(state="visible")
	desk.shot("submit-confirm")
	confirm.locator(".btn-primary").first.click()
	page.wait_for_function("() => cur_frm.doc.docstatus === 1", timeout=60_000)
	desk.wait_idle()
	# The form then offers a quarantine transfer of the held stock: not now.
	offer = page.locator(".modal:visible").filter(has_text="quarantine")
	if offer.count():
		desk.shot("quarantine-offer")
		offer.last.locator(".btn-modal-secondary, .btn-secondary, .btn-default").first.click()
	desk.shot("submitted-recall")
	assert page.evaluate("() => cur_frm.doc.status") == "Open"

	for batch in (start, downstream):
		desk.open_form("Batch", batch)
		desk.shot(f"batch-{batch}")
		assert desk.form_indicator() == "On Hold", f"batch {batch} shows {desk.form_indicator()!r}"
