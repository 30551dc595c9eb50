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

# ERPNext's setup wizard and the app's own test company, for `bench run-tests`.
before_tests = "traceability_plus.tests.utils.before_tests"

doc_events = {
	"Item": {
		"validate": "traceability_plus.item_tracking.validate_item_tracking",
	},
	"Purchase Receipt": {
		"before_submit": "traceability_plus.numbering.assign_tracking_numbers",
		"on_submit": "traceability_plus.numbering.record_batch_origin",
	},
	"Stock Entry": {
		"before_submit": "traceability_plus.numbering.assign_tracking_numbers",
	},
	"Stock Reconciliation": {
		"before_submit": "traceability_plus.numbering.assign_tracking_numbers",
	},
}

# JJJ (day of the year, 001-366) in ERPNext's own naming series too, e.g. an item's
# Batch Number Series "LOT-.YY.JJJ.-.####".
naming_series_variables = {
	"JJJ": "traceability_plus.numbering.day_of_year_for_naming_series",
}
