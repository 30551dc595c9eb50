"""The daily expiry job: tell the Stock Managers about batches that expire soon or have expired.

Each batch is reported once per threshold (Expiring Soon, then Expired): the last alert
sent is kept on the batch. With Hold Expired Batches Automatically, expired batches with
stock are put on hold through the one hold function, with the reason "Expired".
"""

import frappe
from frappe import _
from frappe.desk.doctype.notification_log.notification_log import make_notification_logs
from frappe.query_builder.functions import Sum
from frappe.utils import add_days, cint, format_date, getdate, nowdate
from frappe.utils.user import get_users_with_role

from traceability_plus.core.expiry import ExpiryStatus, expiry_status
from traceability_plus.stock_tracking.holds import hold
from traceability_plus.traceability_setup.doctype.traceability_settings.traceability_settings import (
	get_traceability_settings,
)

ALERT_ROLE = "Stock Manager"
ALERTED_STATUSES = (ExpiryStatus.EXPIRING_SOON, ExpiryStatus.EXPIRED)


def send_expiry_alerts(on=None) -> dict[str, int]:
	"""Scheduled daily. Returns how many alerts and holds it made, for the log and the tests."""
	settings = get_traceability_settings()
	today = getdate(on or nowdate())
	alert_days = cint(settings.expiry_alert_days)
	recipients = get_users_with_role(ALERT_ROLE)
	counts = {"alerts": 0, "holds": 0}

	for batch in batches_in_stock_expiring_by(add_days(today, alert_days)):
		status = expiry_status(getdate(batch.expiry_date), today, alert_days)
		if status is ExpiryStatus.EXPIRED and cint(settings.auto_hold_expired) and not batch.tp_on_hold:
			if hold("Batch", batch.name, _("Expired")):
				counts["holds"] += 1
		if status not in ALERTED_STATUSES or batch.tp_expiry_alert == status.value:
			continue
		if recipients:
			make_notification_logs(alert_for(batch, status), recipients)
		frappe.db.set_value("Batch", batch.name, "tp_expiry_alert", status.value, update_modified=False)
		counts["alerts"] += 1
	return counts


def batches_in_stock_expiring_by(horizon) -> list[dict]:
	"""Batches with stock whose expiry date is on or before `horizon`, from the stock ledger.

	Not Batch.batch_qty: ERPNext v16 leaves it at 0 for a batch received already expired.
	"""
	sle = frappe.qb.DocType("Stock Ledger Entry")
	entry = frappe.qb.DocType("Serial and Batch Entry")
	batch = frappe.qb.DocType("Batch")
	return (
		frappe.qb.from_(sle)
		.join(entry)
		.on(entry.parent == sle.serial_and_batch_bundle)
		.join(batch)
		.on(batch.name == entry.batch_no)
		.select(
			batch.name,
			batch.item,
			batch.expiry_date,
			batch.stock_uom,
			batch.tp_expiry_alert,
			batch.tp_on_hold,
			Sum(entry.qty).as_("batch_qty"),
		)
		.where(
			(sle.is_cancelled == 0)
			& (batch.disabled == 0)
			& batch.expiry_date.isnotnull()
			& (batch.expiry_date <= horizon)
		)
		.groupby(batch.name)
		.having(Sum(entry.qty) > 0)
		.orderby(batch.expiry_date)
		.run(as_dict=True)
	)


def alert_for(batch, status: ExpiryStatus) -> dict:
	if status is ExpiryStatus.EXPIRED:
		subject = _("Batch {0} of {1} expired on {2}; {3} {4} still in stock.")
	else:
		subject = _("Batch {0} of {1} expires on {2}; {3} {4} in stock.")
	return {
		"type": "Alert",
		"document_type": "Batch",
		"document_name": batch.name,
		"subject": subject.format(
			frappe.bold(batch.name),
			batch.item,
			format_date(batch.expiry_date),
			batch.batch_qty,
			batch.stock_uom or "",
		),
		"from_user": "Administrator",
	}
