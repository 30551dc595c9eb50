"""Install and uninstall: custom fields, the settings' defaults and the recall notice template."""

import frappe
from frappe.custom.doctype.custom_field.custom_field import create_custom_fields
from frappe.custom.doctype.property_setter.property_setter import make_property_setter

from traceability_plus.recall.notices import make_recall_notice_template
from traceability_plus.stock_tracking.batch_warehouse_balance import rebuild
from traceability_plus.traceability_setup.custom_fields import PROPERTY_SETTERS, get_custom_fields
from traceability_plus.traceability_setup.desk import (
	add_reports_to_stock_workspace,
	delete_onboarding_steps,
	remove_reports_from_stock_workspace,
)
from traceability_plus.traceability_setup.permissions import (
	grant_app_permissions,
	revoke_app_permissions,
	set_default_hold_roles,
)

SETTINGS_DOCTYPE = "Traceability Settings"


def after_install():
	sync_custom_fields()
	set_missing_settings_defaults()
	set_default_hold_roles()
	grant_app_permissions()
	make_default_label_templates()
	make_recall_notice_template()
	add_reports_to_stock_workspace()
	# Stock posted before the app was installed (or while it was not) is counted now.
	rebuild()


def after_migrate():
	# A new version of ERPNext's Stock workspace file is imported whole, without our links.
	add_reports_to_stock_workspace()


def before_uninstall():
	revoke_app_permissions()
	remove_reports_from_stock_workspace()
	delete_onboarding_steps()
	delete_custom_fields()
	delete_property_setters()
	drop_old_ledger_index()


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


# Name, page preset, barcode and text lines of the templates a new site starts with.
DEFAULT_LABEL_TEMPLATES = (
	("Thermal 50 x 25 mm", "Thermal 50 x 25 mm", "Code 128", {"show_item_name": 0}),
	("GS1-128 Shipping 4 x 6 in", "Thermal 4 x 6 in", "GS1-128", {"font_size": 14, "show_supplier_lot": 1}),
	("A4 Sheet 3 x 8", "A4 Sheet 3 x 8", "Code 128", {}),
)


def make_default_label_templates():
	"""The starting Label Templates, each made only if missing; the thermal label becomes the
	default unless one is set."""
	for template_name, preset, symbology, lines in DEFAULT_LABEL_TEMPLATES:
		if not frappe.db.exists("Label Template", template_name):
			frappe.get_doc(
				{
					"doctype": "Label Template",
					"template_name": template_name,
					"page_preset": preset,
					"symbology": symbology,
					**lines,
				}
			).insert(ignore_permissions=True)
	if not frappe.db.get_single_value(SETTINGS_DOCTYPE, "default_label_template"):
		frappe.db.set_single_value(SETTINGS_DOCTYPE, "default_label_template", DEFAULT_LABEL_TEMPLATES[0][0])


# Version 0.5 put this index on ERPNext's table for the Batch Expiry Status; the Batch
# Warehouse Balance replaced it in 0.7.
OLD_LEDGER_INDEX = ("Serial and Batch Entry", "tp_batch_balance")


def drop_old_ledger_index():
	doctype, index_name = OLD_LEDGER_INDEX
	if frappe.db.has_index(f"tab{doctype}", index_name):
		frappe.db.sql_ddl(f"ALTER TABLE `tab{doctype}` DROP INDEX `{index_name}`")
