"""Every field the app adds to ERPNext doctypes, in one place.

Created by after_install and by a patch on migrate, removed by before_uninstall.
Each name starts with `tp_` so nothing of ERPNext's or another app's is touched.
"""


def _origin_fields(insert_after: str, with_supplier_lot: bool) -> list[dict]:
	"""Supplier lot and dates on an incoming stock row; the new batch keeps them."""
	fields = []
	if with_supplier_lot:
		fields.append(
			{
				"fieldname": "tp_supplier_lot",
				"label": "Supplier Lot",
				"fieldtype": "Data",
				"insert_after": insert_after,
				"description": "The supplier's lot code as printed on their label; kept on the new batch.",
				"translatable": 0,
			}
		)
		insert_after = "tp_supplier_lot"
	fields += [
		{
			"fieldname": "tp_manufacturing_date",
			"label": "Manufacturing Date",
			"fieldtype": "Date",
			"insert_after": insert_after,
			"description": "Kept on the new batch; with the item's shelf life it gives the expiry date.",
		},
		{
			"fieldname": "tp_expiry_date",
			"label": "Expiry Date",
			"fieldtype": "Date",
			"insert_after": "tp_manufacturing_date",
			"description": "Leave empty to use the manufacturing date plus the item's shelf life.",
		},
	]
	return fields


def _hold_fields(insert_after: str) -> list[dict]:
	"""Set only through traceability_plus.stock_tracking.holds, so every hold records who, when and why."""
	fields = [
		{"fieldname": "tp_hold_section", "label": "Hold", "fieldtype": "Section Break", "collapsible": 0},
		{
			"fieldname": "tp_on_hold",
			"label": "On Hold",
			"fieldtype": "Check",
			"read_only": 1,
			"in_standard_filter": 1,
			"in_list_view": 1,
			"search_index": 1,
			"description": "Held stock cannot leave, except into quarantine or back to the supplier.",
		},
		{"fieldname": "tp_hold_reason", "label": "Hold Reason", "fieldtype": "Small Text", "read_only": 1},
		{"fieldname": "tp_hold_column", "fieldtype": "Column Break"},
		{
			"fieldname": "tp_held_by",
			"label": "Held By",
			"fieldtype": "Link",
			"options": "User",
			"read_only": 1,
		},
		{"fieldname": "tp_held_on", "label": "Held On", "fieldtype": "Datetime", "read_only": 1},
		{
			"fieldname": "tp_hold_reference_type",
			"label": "Held By Document Type",
			"fieldtype": "Link",
			"options": "DocType",
			"read_only": 1,
		},
		{
			"fieldname": "tp_hold_reference_name",
			"label": "Held By Document",
			"fieldtype": "Dynamic Link",
			"options": "tp_hold_reference_type",
			"read_only": 1,
		},
	]
	previous = insert_after
	for field in fields:
		field["insert_after"] = previous
		previous = field["fieldname"]
	return fields


def get_custom_fields() -> dict[str, list[dict]]:
	return {
		"Serial No": _hold_fields("purchase_document_no"),
		"Batch": [
			{
				"fieldname": "tp_supplier_lot",
				"label": "Supplier Lot",
				"fieldtype": "Data",
				"insert_after": "supplier",
				"in_standard_filter": 1,
				"search_index": 1,
				"description": "The supplier's own lot code for this batch, as printed on their label.",
				"translatable": 0,
			},
			*_hold_fields("reference_name"),
			{
				"fieldname": "tp_expiry_alert",
				"label": "Expiry Alert Sent",
				"fieldtype": "Select",
				"options": "\nExpiring Soon\nExpired",
				"read_only": 1,
				"no_copy": 1,
				"insert_after": "tp_hold_reference_name",
				"description": "The last expiry alert sent for this batch, so each is sent once.",
			},
		],
		"Supplier": [
			{
				"fieldname": "tp_lot_code",
				"label": "Lot Code",
				"fieldtype": "Data",
				"length": 6,
				"insert_after": "supplier_group",
				"description": "Short code for {supplier_code} in batch and serial naming patterns. "
				"Empty: the first four letters and digits of the supplier name.",
				"translatable": 0,
			},
		],
		"Purchase Receipt Item": _origin_fields("batch_no", with_supplier_lot=True),
		"Stock Entry Detail": _origin_fields("batch_no", with_supplier_lot=False),
		"Stock Reconciliation Item": _origin_fields("batch_no", with_supplier_lot=True),
	}


# Property setters the app owns: (doctype, property, value, property type).
# Batch search also looks in the supplier lot, so a lot code typed into any Batch link finds it.
PROPERTY_SETTERS = [
	("Batch", "search_fields", "item,tp_supplier_lot", "Data"),
]
