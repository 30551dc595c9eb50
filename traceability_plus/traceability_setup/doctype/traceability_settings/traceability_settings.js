// Copyright (c) 2026, Traceability Plus developers
// For license information, please see license.txt

frappe.ui.form.on("Traceability Settings", {
	refresh(frm) {
		frm.add_custom_button(__("Items Tracked By Batch And Serial"), () => {
			frappe.set_route("query-report", "Items Tracked By Batch And Serial");
		});
		if (frappe.user.has_role("System Manager")) {
			frm.add_custom_button(__("Check Batch Balances"), () => {
				frappe.call({
					method: "traceability_plus.stock_tracking.batch_warehouse_balance.enqueue_rebuild",
					type: "POST",
				});
			});
		}
		frm.trigger("show_items_with_both");
	},

	show_items_with_both(frm) {
		frappe.db
			.count("Item", { filters: { has_batch_no: 1, has_serial_no: 1 } })
			.then((count) => {
				const wrapper = frm.get_field("items_with_both_html").$wrapper;
				if (!count) {
					wrapper.html(
						`<p class="text-muted">${__("No item is tracked by both batch and serial number.")}</p>`
					);
					return;
				}
				const link = `<a href="/app/query-report/Items Tracked By Batch And Serial">${__(
					"Items Tracked By Batch And Serial"
				)}</a>`;
				wrapper.html(
					`<div class="alert alert-warning">${__(
						"{0} items are tracked by both batch and serial number. Open {1} to fix them one by one.",
						[count, link]
					)}</div>`
				);
			});
	},
});
