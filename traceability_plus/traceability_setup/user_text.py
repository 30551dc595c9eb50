"""User text the app writes without a save: cleaned the way Frappe cleans a saved field."""

from frappe.utils import escape_html
from frappe.utils.html_utils import is_json, sanitize_html


def clean_user_text(text: str) -> str:
	"""`frappe.db.set_value` skips Frappe's save-time cleaning, and so does a submit for
	fields not allowed on submit: text stored that way (a hold reason, a supplier lot) is
	cleaned here. `sanitize_html` leaves a JSON value alone, and '"<img …>"' is one: those
	are escaped instead."""
	text = text.strip()
	return escape_html(text) if is_json(text) else sanitize_html(text)
