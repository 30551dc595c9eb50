"""Customer notifications of a product recall: one draft email per affected customer, sent
only when the user confirms.

The text comes from an Email Template (by default "Product Recall Notice", created on
install and editable like any other), rendered per customer with the lots and quantities
that customer received and what they must do. The drafts are Communications linked to the
recall and to the customer, so both timelines show them; sending queues them through
Frappe's Email Queue like any email sent from the desk.
"""

import html

import frappe
from frappe import _
from frappe.utils import now_datetime
from markupsafe import escape

from traceability_plus.recall.jobs import enqueue_recall_job, progress_reporter
from traceability_plus.recall.party_details import party_details

RECALL_NOTICE_TEMPLATE = "Product Recall Notice"
DRAFT, SENT, NO_EMAIL = "Draft", "Sent", "No Email"
# Above this many notifications, drafting and sending run in a background job.
NOTICES_IN_BACKGROUND_ABOVE = 200


def make_recall_notice_template():
	"""The default notice, created once; the user's edits are kept on migrate."""
	if frappe.db.exists("Email Template", RECALL_NOTICE_TEMPLATE):
		return
	frappe.get_doc(
		{
			"doctype": "Email Template",
			"name": RECALL_NOTICE_TEMPLATE,
			"subject": _("{0} {1}: products you received from {2}").format(
				"{{ recall_type }}", "{{ recall }}", "{{ company }}"
			),
			"use_html": 1,
			"response_html": recall_notice_html(),
		}
	).insert(ignore_permissions=True)


def recall_notice_html() -> str:
	lines = "\n".join(
		[
			"<tr>",
			"<td>{{ line.item_name }} ({{ line.item_code }})</td>",
			"<td>{{ line.lot }}</td>",
			"<td>{{ line.qty }} {{ line.stock_uom }}</td>",
			"<td>{{ line.voucher_no }}</td>",
			"<td>{{ line.posting_date }}</td>",
			"</tr>",
		]
	)
	headings = "".join(
		f"<th>{heading}</th>"
		for heading in (_("Product"), _("Lot"), _("Quantity"), _("Delivered With"), _("Date"))
	)
	dear = _("Dear {0},").format("{{ contact_name or customer_name }}")
	recalling = _("{0} is recalling products that you received from us ({1}{2}, reference {3}).").format(
		"{{ company }}", "{{ recall_type }}", "{% if severity %}, {{ severity }}{% endif %}", "{{ recall }}"
	)
	return "\n".join(
		[
			f"<p>{dear}</p>",
			f"<p>{recalling}</p>",
			"<p><b>" + _("Reason:") + "</b> {{ reason }}</p>",
			'<table border="1" cellpadding="4" style="border-collapse: collapse">',
			f"<tr>{headings}</tr>",
			"{% for line in lines %}",
			lines,
			"{% endfor %}",
			"</table>",
			"<p><b>" + _("What to do:") + "</b> {{ instructions }}</p>",
			"<p>" + _("Thank you,") + "<br>{{ company }}</p>",
		]
	)


def notice_context(recall, customer_row, shipments: list, item_names: dict[str, str]) -> dict:
	"""What the template can use for one customer, every text escaped for the HTML body.

	Frappe renders Email Templates without autoescaping, and a submitted recall's reason,
	like a customer's or an item's name, is user text. `markupsafe.escape` returns Markup,
	so a template that escapes again (`{{ reason | e }}`) does not escape twice."""
	return {
		"recall": as_html(recall.name),
		"recall_type": as_html(_(recall.recall_type)),
		"severity": as_html(_(recall.severity)) if recall.severity else None,
		"reason": as_html(recall.reason),
		"company": as_html(recall.company),
		"instructions": as_html(recall.customer_instructions),
		"customer": as_html(customer_row.customer),
		"customer_name": as_html(customer_row.customer_name),
		"contact_name": as_html(customer_row.contact_name),
		"lines": [
			{
				"item_code": as_html(row.item_code),
				"item_name": as_html(item_names.get(row.item_code, row.item_code)),
				"lot": as_html(row.batch_no or row.serial_no),
				"qty": frappe.utils.cstr(row.qty).removesuffix(".0"),
				"stock_uom": as_html(row.stock_uom),
				"voucher_no": as_html(row.voucher_no),
				"posting_date": frappe.utils.formatdate(row.posting_date),
			}
			for row in shipments
			if row.qty > 0
		],
	}


def as_html(value: str | None):
	"""Text made safe to place in HTML; empty stays empty, so `{% if %}` still works."""
	return escape(value) if value else value


def draft_notifications(recall, progress=None):
	"""A draft email to each affected customer with an email address; the others are marked."""
	template = frappe.get_doc("Email Template", recall.notification_template or RECALL_NOTICE_TEMPLATE)
	shipments: dict[str, list] = {}
	for row in recall.shipments:
		shipments.setdefault(row.customer, []).append(row)
	items = list({row.item_code for row in recall.shipments})
	item_names = dict(
		frappe.get_all("Item", filters={"name": ("in", items)}, fields=["name", "item_name"], as_list=True)
	)
	for index, row in enumerate(recall.customers):
		if progress and index % 50 == 0:
			progress(int(100 * index / len(recall.customers)), _("Drafting notifications"))
		if row.notification:
			continue
		if not row.email_id:
			row.notification_status = NO_EMAIL
			continue
		email = template.get_formatted_email(
			notice_context(recall, row, shipments.get(row.customer, []), item_names)
		)
		communication = frappe.get_doc(
			{
				"doctype": "Communication",
				"communication_type": "Communication",
				"communication_medium": "Email",
				"sent_or_received": "Sent",
				# The subject is plain text: the escaping was for the HTML body only.
				"subject": html.unescape(email["subject"]),
				"content": email["message"],
				"recipients": row.email_id,
				"email_template": template.name,
				"reference_doctype": recall.doctype,
				"reference_name": recall.name,
				"timeline_links": [{"link_doctype": "Customer", "link_name": row.customer}],
			}
		)
		# Frappe reads the referenced document for every new Communication; hand it the
		# recall in memory instead of loading it with all its rows once per customer.
		communication.parent_doc = recall
		communication.flags.skip_add_signature = True
		communication.insert(ignore_permissions=True)
		row.notification = communication.name
		row.notification_status = DRAFT


def enqueue_draft_notifications(recall: str):
	enqueue_recall_job(draft_notifications_in_background, recall, "notices")


def draft_notifications_in_background(recall: str):
	doc = frappe.get_doc("Product Recall", recall)
	draft_notifications(doc, progress_reporter(recall, _("Notifications of {0}").format(recall)))
	doc.flags.recall_action = True
	doc.save()


def locked_recall(name: str):
	"""The recall, row-locked, for a user who may submit it: one sender or drafter at a
	time, so a second click waits here, then finds nothing left to do."""
	frappe.get_doc("Product Recall", name).check_permission("submit")
	frappe.db.get_value("Product Recall", name, "name", for_update=True)
	return frappe.get_doc("Product Recall", name)


@frappe.whitelist(methods=["POST"])
def send_notifications(name: str) -> dict:
	"""Send Notifications: queue every draft notification of a submitted recall."""
	recall = locked_recall(name)
	if recall.docstatus != 1 or recall.is_mock:
		frappe.throw(_("Notifications are sent for a submitted recall or market withdrawal only."))
	drafts = [row for row in recall.customers if row.notification_status == DRAFT]
	if not drafts:
		frappe.throw(_("There is no draft notification left to send."))
	if not frappe.get_doc("Communication", drafts[0].notification).get_outgoing_email_account():
		frappe.throw(
			_("Set up a default outgoing Email Account first: no notification was sent."),
			frappe.OutgoingEmailError,
		)
	if len(drafts) > NOTICES_IN_BACKGROUND_ABOVE:
		enqueue_recall_job(send_in_background, name, "send")
		return {"queued": len(drafts)}
	return {"sent": send_drafts(recall)}


def send_in_background(recall: str):
	doc = frappe.get_doc("Product Recall", recall)
	send_drafts(doc, progress_reporter(recall, _("Sending the notifications of {0}").format(recall)))


def send_drafts(recall, progress=None) -> int:
	drafts = [row for row in recall.customers if row.notification_status == DRAFT]
	sent = 0
	for index, row in enumerate(drafts):
		if progress and index % 50 == 0:
			progress(int(100 * index / len(drafts)), _("Sending notifications"))
		communication = frappe.get_doc("Communication", row.notification)
		if (communication.reference_doctype, communication.reference_name) != (recall.doctype, recall.name):
			continue  # a notification is only ever one this recall drafted
		communication.send_email()
		row.notification_status = SENT
		sent += 1
	recall.notifications_sent_on = now_datetime()
	recall.flags.recall_action = True
	recall.save()
	return sent


@frappe.whitelist(methods=["POST"])
def draft_missing_notices(name: str) -> dict:
	"""Draft Missing Notices: read again the contacts of the customers who had no email
	address at submit, and draft the notice of each one who has one now."""
	recall = locked_recall(name)
	if recall.docstatus != 1 or recall.is_mock or recall.status != "Open":
		frappe.throw(_("Notices are drafted for an open recall or market withdrawal only."))
	missing = [row for row in recall.customers if row.notification_status == NO_EMAIL]
	if not missing:
		frappe.throw(_("Every affected customer already has a notice."))
	contacts = party_details("Customer", (row.customer for row in missing))
	for row in missing:
		details = contacts.get(row.customer)
		if details and details.email_id:
			row.contact, row.contact_name, row.email_id = (
				details.contact,
				details.contact_name,
				details.email_id,
			)
	draft_notifications(recall)
	recall.flags.recall_action = True
	recall.save()
	still_missing = [row.customer for row in recall.customers if row.notification_status == NO_EMAIL]
	return {"drafted": len(missing) - len(still_missing), "still_missing": len(still_missing)}
