"""8. A Stock User sees no action they may not take: no hold buttons without a hold role,
no close-out of a recall they cannot submit."""

import pytest

HOLD_BUTTONS = ("Put On Hold", "Release Hold")
RECALL_ACTIONS = ("Send Notifications", "Create Quarantine Transfer", "Update Close-Out", "Close")


@pytest.mark.parametrize("kind", ["expiring", "recalled"])
def test_stock_user_batch_has_no_hold_buttons(stock_user_desk, seed, kind):
	desk = stock_user_desk
	batch = seed["batches"][kind]
	desk.open_form("Batch", batch)
	desk.shot(f"stock-user-batch-{kind}")
	assert desk.page.evaluate("() => frappe.session.user") == seed["stock_user"]["user"]
	# Filters as a dict: a batch named like 57E4375 would be parsed as a JSON number.
	readable = desk.call(
		"frappe.client.get_value", doctype="Batch", filters={"name": batch}, fieldname="name"
	)
	assert readable, "the Stock User cannot read the batch at all"
	shown = set(desk.group_items("Traceability")) & set(HOLD_BUTTONS)
	assert not shown, f"a Stock User without a hold role is offered {sorted(shown)} on batch {batch}"


def test_stock_user_submitted_recall_has_no_close_out(stock_user_desk, seed):
	desk = stock_user_desk
	page = desk.page
	desk.open_form("Product Recall", seed["open_recall"])
	desk.shot("stock-user-open-recall")
	assert page.evaluate("() => cur_frm.doc.docstatus") == 1
	assert not page.evaluate("() => frappe.model.can_submit('Product Recall')")
	assert not desk.group_exists("Close-Out"), "a Stock User, who cannot submit recalls, is offered Close-Out"
	labels = page.evaluate(
		"""() => $(cur_frm.page.wrapper).find('.page-actions [data-label], .page-actions .dropdown-item')
			.map((i, el) => decodeURIComponent(el.dataset.label || '') || el.textContent.trim()).get()"""
	)
	offered = sorted(set(labels) & set(RECALL_ACTIONS))
	assert not offered, f"a Stock User is offered {offered} on a submitted recall"
