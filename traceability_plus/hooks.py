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
}
