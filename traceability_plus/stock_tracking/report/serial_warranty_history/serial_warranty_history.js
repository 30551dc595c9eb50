// Copyright (c) 2026, Traceability Plus developers
// For license information, please see license.txt

// A Serial No, an Item or a Customer: with none of them set the report shows Frappe's
// "Please set filters" empty state instead of asking the server.
function traceability_plus_require_one_scope(report) {
	const scopes = ["serial_no", "item_code", "customer"].map((name) => report.get_filter(name));
	const any_set = scopes.some((filter) => filter.get_value());
	scopes.forEach((filter, index) => {
		filter.df.reqd = !any_set && index === 0 ? 1 : 0;
		filter.refresh();
	});
	report.refresh();
}

frappe.query_reports["Serial Warranty History"] = {
	filters: [
		{
			fieldname: "company",
			label: __("Company"),
			fieldtype: "Link",
			options: "Company",
			default: frappe.defaults.get_user_default("Company"),
			reqd: 1,
		},
		{
			fieldname: "serial_no",
			label: __("Serial No"),
			fieldtype: "Link",
			options: "Serial No",
			description: __("One serial number: its whole timeline"),
			reqd: 1,
			on_change: traceability_plus_require_one_scope,
		},
		{
			fieldname: "item_code",
			label: __("Item"),
			fieldtype: "Link",
			options: "Item",
			get_query: () => ({ filters: { has_serial_no: 1 } }),
			on_change: traceability_plus_require_one_scope,
		},
		{
			fieldname: "customer",
			label: __("Customer"),
			fieldtype: "Link",
			options: "Customer",
			on_change: traceability_plus_require_one_scope,
		},
	],
};
