// Copyright (c) 2026, Traceability Plus developers
// For license information, please see license.txt

frappe.query_reports["Batch Expiry Status"] = {
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
			fieldname: "item_code",
			label: __("Item"),
			fieldtype: "Link",
			options: "Item",
			get_query: () => ({ filters: { has_batch_no: 1 } }),
		},
		{
			fieldname: "item_group",
			label: __("Item Group"),
			fieldtype: "Link",
			options: "Item Group",
		},
		{
			fieldname: "warehouse",
			label: __("Warehouse"),
			fieldtype: "Link",
			options: "Warehouse",
			get_query: () => ({ filters: { company: frappe.query_report.get_filter_value("company") } }),
		},
		{
			fieldname: "expiring_within_days",
			label: __("Expiring Within (Days)"),
			fieldtype: "Int",
			description: __("Only batches expired or expiring within this many days"),
		},
		{
			fieldname: "expiry",
			label: __("Expiry"),
			fieldtype: "Select",
			options: [
				{ value: "", label: "" },
				{ value: "Expired", label: __("Expired") },
				{ value: "Expiring Soon", label: __("Expiring Soon") },
			],
			description: __("By expiry date alone, held or not"),
		},
	],
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		if (column.fieldname === "status" && data) {
			const colour = {
				Expired: "red",
				"Expiring Soon": "orange",
				"On Hold": "grey",
				Valid: "green",
			}[data.status];
			value = `<span class="indicator-pill ${colour || "blue"}">${__(data.status)}</span>`;
		}
		return value;
	},
};
