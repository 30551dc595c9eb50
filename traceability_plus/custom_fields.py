"""Every field the app adds to ERPNext doctypes, in one place.

Created by after_install and by a patch on migrate, removed by before_uninstall.
Each name starts with `tp_` so nothing of ERPNext's or another app's is touched.
"""


def get_custom_fields() -> dict[str, list[dict]]:
	return {
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
		],
	}
