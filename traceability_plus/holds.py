"""Holds on batches and serial numbers: the one place that puts stock on hold or releases it.

The Hold / Release buttons on Batch and Serial No, the daily expiry job and product
recalls all call `hold` and `release`. A hold records who placed it, when, why and, for
holds placed by another document (a recall), which one: releasing on behalf of that
document leaves other holds alone. Every hold and release is also written to the
document's timeline.
"""

import frappe
from frappe import _
from frappe.utils import escape_html, now_datetime

from traceability_plus.permissions import check_may_hold, may_hold

HOLDABLE_DOCTYPES = ("Batch", "Serial No")
RELEASED = {
	"tp_on_hold": 0,
	"tp_hold_reason": None,
	"tp_held_by": None,
	"tp_held_on": None,
	"tp_hold_reference_type": None,
	"tp_hold_reference_name": None,
}


def hold(
	doctype: str,
	name: str,
	reason: str,
	reference_doctype: str | None = None,
	reference_name: str | None = None,
) -> bool:
	"""Put a batch or serial number on hold; False when it was on hold already."""
	validate_holdable(doctype, name, reason)
	if frappe.db.get_value(doctype, name, "tp_on_hold"):
		return False
	frappe.db.set_value(
		doctype,
		name,
		{
			"tp_on_hold": 1,
			"tp_hold_reason": reason,
			"tp_held_by": frappe.session.user,
			"tp_held_on": now_datetime(),
			"tp_hold_reference_type": reference_doctype,
			"tp_hold_reference_name": reference_name,
		},
	)
	add_timeline_comment(doctype, name, _("Put on hold: {0}").format(escape_html(reason)))
	return True


def release(
	doctype: str,
	name: str,
	reason: str,
	reference_doctype: str | None = None,
	reference_name: str | None = None,
) -> bool:
	"""Release a hold; with a reference, only a hold placed by that document. False if none."""
	validate_holdable(doctype, name, reason)
	held = frappe.db.get_value(
		doctype, name, ["tp_on_hold", "tp_hold_reference_type", "tp_hold_reference_name"], as_dict=True
	)
	if not held.tp_on_hold:
		return False
	if reference_doctype and (held.tp_hold_reference_type, held.tp_hold_reference_name) != (
		reference_doctype,
		reference_name,
	):
		return False
	frappe.db.set_value(doctype, name, RELEASED)
	add_timeline_comment(doctype, name, _("Hold released: {0}").format(escape_html(reason)))
	return True


def validate_holdable(doctype: str, name: str, reason: str):
	check_holdable_doctype(doctype)
	if not name or not frappe.db.exists(doctype, name):
		frappe.throw(
			_("{0} {1} does not exist.").format(_(doctype), frappe.bold(name)), frappe.DoesNotExistError
		)
	if not (reason or "").strip():
		frappe.throw(_("Give a reason: it is shown to everyone whose transaction the hold stops."))


def add_timeline_comment(doctype: str, name: str, text: str):
	"""An Info comment on the document's timeline. Its content is shown as HTML and Frappe
	does not sanitise Info comments: callers escape what the user typed."""
	frappe.get_doc(
		{
			"doctype": "Comment",
			"comment_type": "Info",
			"reference_doctype": doctype,
			"reference_name": name,
			"content": text,
		}
	).insert(ignore_permissions=True)


@frappe.whitelist(methods=["POST"])
def hold_stock(doctype: str, name: str, reason: str) -> dict:
	"""The Hold button on the Batch and Serial No forms."""
	check_hold_permission(doctype, name)
	changed = hold(doctype, name, reason)
	return {"changed": changed}


@frappe.whitelist(methods=["POST"])
def release_stock(doctype: str, name: str, reason: str) -> dict:
	"""The Release button on the Batch and Serial No forms."""
	check_hold_permission(doctype, name)
	changed = release(doctype, name, reason)
	return {"changed": changed}


def show_hold_buttons(doc, method=None):
	"""onload of Batch and Serial No: the form shows Put On Hold / Release Hold only to a
	user who may use them (a role in Traceability Settings, not write on the document)."""
	doc.set_onload("tp_may_hold", may_hold())


def check_hold_permission(doctype: str, name: str):
	check_holdable_doctype(doctype)
	check_may_hold(doctype, name)


def check_holdable_doctype(doctype: str):
	if doctype not in HOLDABLE_DOCTYPES:
		frappe.throw(_("Only a Batch or a Serial No can be put on hold, not a {0}.").format(_(doctype)))
