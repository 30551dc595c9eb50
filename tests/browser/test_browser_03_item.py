"""3. An Item ticked for both batch and serial numbers is refused on save, in the form."""

import re
import time


def test_item_with_batch_and_serial_is_refused(desk, seed):
	page = desk.page
	desk.open_form("Item")
	code = f"_TP Browser Both {int(time.time())}"
	page.evaluate(
		"""async ([code, group]) => {
			await cur_frm.set_value('item_code', code);
			await cur_frm.set_value('item_name', code);
			await cur_frm.set_value('item_group', group);
			await cur_frm.set_value('stock_uom', 'Nos');
			await cur_frm.set_value('is_stock_item', 1);
		}""",
		[code, "_TP Test Items"],
	)
	# Tick both boxes as a user does.
	for fieldname in ("has_batch_no", "has_serial_no"):
		page.evaluate("(fieldname) => cur_frm.scroll_to_field(fieldname)", fieldname)
		box = page.locator(
			f'.frappe-control[data-fieldname="{fieldname}"] input[type=checkbox]:visible'
		).first
		box.check()
	desk.shot("item-both-ticked")
	page.keyboard.press("Control+s")
	dialog = page.locator(".modal.msgprint-dialog:visible, .modal:visible .msgprint").first
	dialog.wait_for(state="visible")
	desk.shot("item-refused")
	message = page.locator(".modal:visible").first.inner_text()
	assert re.search(r"batch", message, re.I) and re.search(r"serial", message, re.I), message
	assert page.evaluate("() => !!cur_frm.is_new()"), "the form left the new Item"
	assert not page.evaluate("(code) => frappe.db.exists('Item', code)", code), (
		"the item was saved although it has both Has Batch No and Has Serial No"
	)
