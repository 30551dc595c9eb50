app_name = "traceability_plus"
app_title = "Traceability Plus"
app_publisher = "Traceability Plus developers"
app_description = "Complete batch and serial number traceability for ERPNext"
app_email = "developers@traceability.plus"
app_license = "mit"

# "org/repo" form: Frappe resolves a bare name through the GitHub API on install.
required_apps = ["frappe/erpnext"]

after_install = "traceability_plus.install.after_install"
before_uninstall = "traceability_plus.install.before_uninstall"
after_migrate = "traceability_plus.install.after_migrate"

# ERPNext's setup wizard and the app's own test company, for `bench run-tests`.
before_tests = "traceability_plus.tests.utils.before_tests"

doc_events = {
	"Purchase Receipt": {
		"before_validate": "traceability_plus.labels.gs1_scanning.fill_rows_from_scans",
		"before_submit": "traceability_plus.stock_tracking.numbering.assign_tracking_numbers",
		"on_submit": "traceability_plus.stock_tracking.numbering.record_batch_origin",
	},
	"Stock Entry": {
		"before_submit": [
			"traceability_plus.stock_tracking.numbering.assign_tracking_numbers",
			"traceability_plus.stock_tracking.picking.pick_batches_without_holds",
		],
	},
	"Delivery Note": {"before_submit": "traceability_plus.stock_tracking.picking.pick_batches_without_holds"},
	"Sales Invoice": {"before_submit": "traceability_plus.stock_tracking.picking.pick_batches_without_holds"},
	"POS Invoice": {
		"before_submit": [
			"traceability_plus.stock_tracking.picking.pick_batches_without_holds",
			"traceability_plus.stock_tracking.guards.check_rows_before_stock_moves",
		],
	},
	"Stock Reconciliation": {
		"before_submit": [
			"traceability_plus.stock_tracking.numbering.assign_tracking_numbers",
			"traceability_plus.stock_tracking.guards.check_stock_reconciliation",
		],
	},
	# Every outward movement goes through an outward bundle, including the ones ERPNext
	# builds itself when it picks batches at submit.
	"Serial and Batch Bundle": {
		"on_submit": "traceability_plus.stock_tracking.guards.check_outward_bundle",
	},
	"Pick List": {
		"before_save": "traceability_plus.stock_tracking.picking.pick_batch_locations",
		"before_submit": "traceability_plus.stock_tracking.guards.check_rows_before_stock_moves",
	},
	# Batch Warehouse Balance: kept from each new ledger entry, added once its voucher's
	# submit or cancel is done, recomputed after a repost or a landed cost.
	"Stock Ledger Entry": {
		"on_submit": "traceability_plus.stock_tracking.batch_warehouse_balance.note_ledger_entry"
	},
	"*": {
		"on_submit": "traceability_plus.stock_tracking.batch_warehouse_balance.apply_noted_entries",
		"on_cancel": "traceability_plus.stock_tracking.batch_warehouse_balance.apply_noted_entries",
	},
	"Repost Item Valuation": {
		"on_change": "traceability_plus.stock_tracking.batch_warehouse_balance.recompute_after_repost",
	},
	"Landed Cost Voucher": {
		"on_submit": "traceability_plus.stock_tracking.batch_warehouse_balance.recompute_after_landed_cost",
		"on_cancel": "traceability_plus.stock_tracking.batch_warehouse_balance.recompute_after_landed_cost",
	},
	"Item": {
		"validate": "traceability_plus.stock_tracking.item_tracking.validate_item_tracking",
	},
	# The form's hold buttons and history; the hold fields change only through holds.py.
	"Batch": {
		"onload": "traceability_plus.stock_tracking.holds.show_hold_buttons",
		"validate": "traceability_plus.stock_tracking.holds.protect_hold_fields",
	},
	"Serial No": {
		"onload": "traceability_plus.stock_tracking.holds.show_hold_buttons",
		"validate": "traceability_plus.stock_tracking.holds.protect_hold_fields",
	},
}

# The batch dialog's Auto Fetch: FEFO, no held batch.
override_whitelisted_methods = {
	"erpnext.stock.doctype.serial_and_batch_bundle.serial_and_batch_bundle.get_auto_data": (
		"traceability_plus.stock_tracking.picking.get_auto_data"
	),
	"erpnext.stock.utils.scan_barcode": "traceability_plus.labels.gs1_scanning.scan_barcode",
	# The batch a new Delivery Note / Sales / POS Invoice row is offered: FEFO, none held.
	"erpnext.stock.get_item_details.get_item_details": "traceability_plus.stock_tracking.picking.get_item_details",
}

doctype_js = {
	"Item": ["public/js/print_labels.js", "public/js/traceability_buttons.js"],
	"Batch": ["public/js/hold_buttons.js", "public/js/print_labels.js", "public/js/traceability_buttons.js"],
	"Serial No": [
		"public/js/hold_buttons.js",
		"public/js/print_labels.js",
		"public/js/traceability_buttons.js",
	],
	"Purchase Receipt": [
		"public/js/print_labels.js",
		"public/js/gs1_scan.js",
		"public/js/traceability_buttons.js",
	],
	"Delivery Note": [
		"public/js/batch_query_without_holds.js",
		"public/js/print_labels.js",
		"public/js/traceability_buttons.js",
	],
	"Stock Entry": ["public/js/print_labels.js", "public/js/traceability_buttons.js"],
	"Sales Invoice": "public/js/batch_query_without_holds.js",
	"POS Invoice": "public/js/batch_query_without_holds.js",
}

# The Batch and Serial No lists show a held one as On Hold.
doctype_list_js = {
	"Batch": "public/js/hold_indicator_list.js",
	"Serial No": "public/js/hold_indicator_list.js",
}

scheduler_events = {
	"daily": ["traceability_plus.stock_tracking.expiry_alerts.send_expiry_alerts"],
	# Reads the whole ledger: on the long queue, whose time limit allows a large site.
	"daily_long": ["traceability_plus.stock_tracking.batch_warehouse_balance.check_against_ledger"],
}

# JJJ (day of the year, 001-366) in ERPNext's own naming series too, e.g. an item's
# Batch Number Series "LOT-.YY.JJJ.-.####".
naming_series_variables = {
	"JJJ": "traceability_plus.stock_tracking.numbering.day_of_year_for_naming_series",
}
