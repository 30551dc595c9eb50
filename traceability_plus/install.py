"""Install and uninstall: custom fields, the settings' defaults and the recall notice template."""

import frappe
from frappe.custom.doctype.custom_field.custom_field import create_custom_fields
from frappe.custom.doctype.property_setter.property_setter import make_property_setter

from traceability_plus.custom_fields import PROPERTY_SETTERS, get_custom_fields
from traceability_plus.recall_notices import make_recall_notice_template
from traceability_plus.traceability_plus.doctype.traceability_settings.traceability_settings import (
	apply_fefo_picking,
)

SETTINGS_DOCTYPE = "Traceability Settings"


def after_install():
	sync_custom_fields()
	set_missing_settings_defaults()
	apply_fefo_picking()
	make_recall_notice_template()


def before_uninstall():
	delete_custom_fields()
	delete_property_setters()


def sync_custom_fields():
	create_custom_fields(get_custom_fields(), ignore_validate=True)
	for doctype, property_name, value, property_type in PROPERTY_SETTERS:
		make_property_setter(doctype, None, property_name, value, property_type, for_doctype=True)


def delete_property_setters():
	for doctype, property_name, _value, _property_type in PROPERTY_SETTERS:
		frappe.db.delete(
			"Property Setter", {"doc_type": doctype, "property": property_name, "doctype_or_field": "DocType"}
		)
		frappe.clear_cache(doctype=doctype)


def delete_custom_fields():
	"""Remove the app's Custom Field records.

	Frappe keeps the database columns of deleted custom fields, so the values
	(a batch's supplier lot, say) come back if the app is installed again.
	"""
	for doctype, fields in get_custom_fields().items():
		for field in fields:
			name = frappe.db.get_value("Custom Field", {"dt": doctype, "fieldname": field["fieldname"]})
			if name:
				frappe.delete_doc("Custom Field", name, ignore_permissions=True, force=True)
		frappe.clear_cache(doctype=doctype)


def set_missing_settings_defaults():
	"""Store the default of every settings field that has no value yet.

	A Single doctype keeps its values as rows; a field added by a later version
	would otherwise read as empty (a Check as off) instead of its default.
	"""
	stored = frappe.db.get_singles_dict(SETTINGS_DOCTYPE)
	for df in frappe.get_meta(SETTINGS_DOCTYPE).fields:
		if df.default is not None and df.fieldname not in stored:
			frappe.db.set_single_value(SETTINGS_DOCTYPE, df.fieldname, df.default)
	frappe.clear_document_cache(SETTINGS_DOCTYPE, SETTINGS_DOCTYPE)
