// Copyright (c) 2026, Traceability Plus developers
// For license information, please see license.txt

const ITEMS_WITH_BOTH_REPORT = "Items Tracked By Batch And Serial";

// Offer the report only to a user whose roles may run it.
function may_run_items_with_both() {
	return Boolean((frappe.boot.user.all_reports || {})[ITEMS_WITH_BOTH_REPORT]);
}

frappe.ui.form.on("Traceability Settings", {
	refresh(frm) {
		if (may_run_items_with_both()) {
			frm.add_custom_button(__(ITEMS_WITH_BOTH_REPORT), () => {
				frappe.set_route("query-report", ITEMS_WITH_BOTH_REPORT);
			});
		}
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
				if (!may_run_items_with_both()) {
					wrapper.html(
						`<div class="alert alert-warning">${__(
							"{0} items are tracked by both batch and serial number. Ask a Stock Manager to fix them.",
							[count]
						)}</div>`
					);
					return;
				}
				const link = `<a href="/app/query-report/${ITEMS_WITH_BOTH_REPORT}">${__(
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
