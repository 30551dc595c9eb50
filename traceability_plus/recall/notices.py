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
from frappe.model.document import bulk_insert
from frappe.utils import now_datetime
from frappe.utils.jinja import get_jenv
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
	"""A draft email to each affected customer with an email address; the others are marked.

	One Communication per customer, linked to the recall, the customer and the contact
	the address belongs to (with that contact's own links), as Frappe links an email it
	saves. A recall can reach thousands of customers, so the drafts are written together,
	as Frappe's `bulk_insert` writes documents: the template is compiled once and no
	document hooks run for the drafts (Frappe's and ERPNext's do nothing for a draft linked
	to a recall; a site's own webhooks or notifications on new Communications do not see
	them). Their body is not run through the HTML sanitizer either: it is the recall's
	Email Template, which only a System Manager may write, with every value in it escaped.
	"""
	template = frappe.get_doc("Email Template", recall.notification_template or RECALL_NOTICE_TEMPLATE)
	render_subject = compiled_template(template.subject)
	render_body = compiled_template(template.response_html if template.use_html else template.response)
	shipments: dict[str, list] = {}
	for row in recall.shipments:
		shipments.setdefault(row.customer, []).append(row)
	items = list({row.item_code for row in recall.shipments})
	item_names = dict(
		frappe.get_all("Item", filters={"name": ("in", items)}, fields=["name", "item_name"], as_list=True)
	)
	to_draft = []
	for row in recall.customers:
		if row.notification:
			continue
		if not row.email_id or not frappe.utils.validate_email_address(row.email_id):
			row.notification_status = NO_EMAIL
			continue
		to_draft.append(row)
	links_of = contact_links({row.email_id for row in to_draft})
	drafts = []
	for index, row in enumerate(to_draft):
		if progress and index % 50 == 0:
			progress(int(100 * index / len(to_draft)), _("Drafting notifications"))
		context = notice_context(recall, row, shipments.get(row.customer, []), item_names)
		communication = new_draft(
			recall,
			recipient=row.email_id,
			# The subject is plain text: the escaping was for the HTML body only.
			subject=html.unescape(render_subject(context)),
			content=render_body(context),
			template=template.name,
			links=[("Customer", row.customer), *links_of.get(row.email_id, [])],
		)
		drafts.append(communication)
		row.notification = communication.name
		row.notification_status = DRAFT
	if drafts:
		bulk_insert("Communication", drafts)
		note_in_comments(recall, drafts)


def compiled_template(source: str | None):
	"""A template's render function, compiled once, with the checks of Frappe's
	render_template."""
	from jinja2 import TemplateError

	if not source:
		return lambda context: ""
	if ".__" in source:
		frappe.throw(_("Illegal template"))
	try:
		return get_jenv().from_string(source).render
	except TemplateError:
		frappe.throw(_("The notice template {0} cannot be read.").format(escape(source[:200])))


def contact_links(emails: set[str]) -> dict[str, list[tuple[str, str]]]:
	"""For each address: its contact and what that contact links to, as Frappe adds them to
	the timeline of an email it saves."""
	if not emails:
		return {}
	contact_of: dict[str, str] = {}
	for email_id, contact in frappe.get_all(
		"Contact Email",
		filters={"email_id": ("in", sorted(emails)), "parenttype": "Contact"},
		fields=["email_id", "parent"],
		order_by="creation asc",
		as_list=True,
	):
		contact_of.setdefault(email_id, contact)
	links_of_contact: dict[str, list[tuple[str, str]]] = {}
	for contact, link_doctype, link_name in frappe.get_all(
		"Dynamic Link",
		filters={"parenttype": "Contact", "parent": ("in", sorted(set(contact_of.values())))},
		fields=["parent", "link_doctype", "link_name"],
		as_list=True,
	):
		links_of_contact.setdefault(contact, []).append((link_doctype, link_name))
	return {
		email_id: [("Contact", contact), *links_of_contact.get(contact, [])]
		for email_id, contact in contact_of.items()
	}


def new_draft(recall, recipient: str, subject: str, content: str, template: str, links: list):
	"""An unsent email Communication, named and stamped as Frappe's insert would."""
	communication = frappe.new_doc("Communication")
	communication.update(
		{
			"communication_type": "Communication",
			"communication_medium": "Email",
			"sent_or_received": "Sent",
			"status": "Linked",
			"subject": subject,
			"content": content,
			"recipients": recipient,
			"email_template": template,
			"reference_doctype": recall.doctype,
			"reference_name": recall.name,
			"reference_owner": recall.owner,
		}
	)
	for link_doctype, link_name in dict.fromkeys(links):  # each link once, in order
		communication.append(
			"timeline_links",
			{
				"link_doctype": link_doctype,
				"link_name": link_name,
				"communication_date": communication.communication_date,
			},
		)
	communication.set_new_name()
	communication.set_parent_in_children()
	return communication


def note_in_comments(recall, drafts: list) -> None:
	"""The drafts in the recall's `_comments`, as Frappe notes each Communication saved
	against a document (the list view's count reads it)."""
	from frappe.core.doctype.comment.comment import get_comments_from_parent, update_comments_in_parent

	comments = get_comments_from_parent(
		frappe._dict(reference_doctype=recall.doctype, reference_name=recall.name)
	)
	comments += [
		{
			"comment": draft.content[:97] + "..." if len(draft.content) > 100 else draft.content,
			"by": draft.owner,
			"name": draft.name,
		}
		for draft in drafts
	]
	update_comments_in_parent(recall.doctype, recall.name, comments)


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
