"""Holds on batches and serial numbers: the one place that puts stock on hold or releases it.

The Hold / Release buttons on Batch and Serial No, the daily expiry job and product
recalls all call `hold` and `release`. A hold records who placed it, when, why and, for
holds placed by another document (a recall), which one: releasing on behalf of that
document leaves other holds alone.

A hold is evidence, so its fields change here and nowhere else: a save of the Batch or
Serial No that changes them (the form, `frappe.client.set_value`, Data Import) is
refused, and every hold and release is kept as a Traceability Hold Log entry that
nobody edits, shown on the form and on the document's timeline.
"""

import frappe
from frappe import _
from frappe.utils import escape_html, now_datetime

from traceability_plus.traceability_setup.field_values import changed_fields
from traceability_plus.traceability_setup.permissions import (
	check_may_hold,
	check_may_release_recall_hold,
	may_hold,
)
from traceability_plus.traceability_setup.user_text import clean_user_text

HOLDABLE_DOCTYPES = ("Batch", "Serial No")
HOLD_LOG = "Traceability Hold Log"
RELEASED = {
	"tp_on_hold": 0,
	"tp_hold_reason": None,
	"tp_held_by": None,
	"tp_held_on": None,
	"tp_hold_reference_type": None,
	"tp_hold_reference_name": None,
}
HOLD_FIELDS = tuple(RELEASED)
# The entries of the hold history the form shows, newest first.
HISTORY_SHOWN = 20


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
	reason = clean_user_text(reason)
	held_on = now_datetime()
	frappe.db.set_value(
		doctype,
		name,
		{
			"tp_on_hold": 1,
			"tp_hold_reason": reason,
			"tp_held_by": frappe.session.user,
			"tp_held_on": held_on,
			"tp_hold_reference_type": reference_doctype,
			"tp_hold_reference_name": reference_name,
		},
	)
	log_hold_event(doctype, name, "Hold", reason, held_on, reference_doctype, reference_name)
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
	reason = clean_user_text(reason)
	frappe.db.set_value(doctype, name, RELEASED)
	log_hold_event(doctype, name, "Release", reason, now_datetime(), reference_doctype, reference_name)
	add_timeline_comment(doctype, name, _("Hold released: {0}").format(escape_html(reason)))
	return True


def log_hold_event(doctype, name, action, reason, logged_on, reference_doctype, reference_name):
	frappe.get_doc(
		{
			"doctype": HOLD_LOG,
			"held_doctype": doctype,
			"held_name": name,
			"action": action,
			"reason": reason,
			"user": frappe.session.user,
			"logged_on": logged_on,
			"reference_doctype": reference_doctype,
			"reference_name": reference_name,
		}
	).insert(ignore_permissions=True)


def hold_history(doctype: str, name: str, limit: int = HISTORY_SHOWN) -> list[dict]:
	log = frappe.qb.DocType(HOLD_LOG)
	return (
		frappe.qb.from_(log)
		.select(log.action, log.reason, log.user, log.logged_on, log.reference_doctype, log.reference_name)
		.where((log.held_doctype == doctype) & (log.held_name == name))
		.orderby(log.creation, order=frappe.qb.desc)
		.limit(limit)
		.run(as_dict=True)
	)


def protect_hold_fields(doc, method=None):
	"""validate of Batch and Serial No: the hold fields change only through hold() and release().

	Those write with `frappe.db.set_value`, which runs no validate, so any save that
	changes a hold field came from somewhere else: the form, the REST API,
	`frappe.client.set_value` or Data Import."""
	stored = {} if doc.is_new() else frappe.db.get_value(doc.doctype, doc.name, HOLD_FIELDS, as_dict=True)
	changed = changed_fields(doc.meta, stored, doc, HOLD_FIELDS)
	if changed:
		frappe.throw(
			_(
				"{0} {1}: the hold fields ({2}) change only through Put On Hold / Release Hold, "
				"which record who, when and why."
			).format(
				_(doc.doctype),
				escape_html(doc.name or ""),
				", ".join(_(doc.meta.get_label(field)) for field in changed),
			),
			frappe.PermissionError,
			title=_("Not Permitted"),
		)


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
	placed_by = frappe.db.get_value(
		doctype, name, ["tp_hold_reference_type", "tp_hold_reference_name"], as_dict=True
	)
	if placed_by and placed_by.tp_hold_reference_type:
		# A recall's hold is lifted when the recall is cancelled, or by the roles named for it.
		check_may_release_recall_hold(placed_by.tp_hold_reference_type, placed_by.tp_hold_reference_name)
	changed = release(
		doctype, name, reason, placed_by.tp_hold_reference_type, placed_by.tp_hold_reference_name
	)
	return {"changed": changed}


def show_hold_buttons(doc, method=None):
	"""onload of Batch and Serial No: the form shows Put On Hold / Release Hold only to a
	user who may use them (a role in Traceability Settings, not write on the document),
	and the document's hold history."""
	doc.set_onload("tp_may_hold", may_hold())
	doc.set_onload("tp_hold_history", hold_history(doc.doctype, doc.name))


def check_hold_permission(doctype: str, name: str):
	check_holdable_doctype(doctype)
	check_may_hold(doctype, name)


def check_holdable_doctype(doctype: str):
	if doctype not in HOLDABLE_DOCTYPES:
		frappe.throw(_("Only a Batch or a Serial No can be put on hold, not a {0}.").format(_(doctype)))
