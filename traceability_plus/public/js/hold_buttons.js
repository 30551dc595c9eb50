// Hold and Release buttons on the Batch and Serial No forms, and the hold's headline.
// Both buttons ask for the reason; the server records who and when, and writes the timeline.

function traceability_plus_hold_buttons(frm) {
	if (frm.is_new()) {
		return;
	}
	const on_hold = frm.doc.tp_on_hold;
	if (on_hold) {
		// Everyone who opens the form sees why the stock cannot leave.
		frm.dashboard.set_headline_alert(
			__("On hold since {0} by {1}: {2}", [
				frappe.datetime.str_to_user(frm.doc.tp_held_on),
				frm.doc.tp_held_by,
				frappe.utils.escape_html(frm.doc.tp_hold_reason || ""),
			]),
			"red"
		);
	}
	// Holding is not writing the document: the server says whether this user's roles may.
	if (!(frm.doc.__onload || {}).tp_may_hold) {
		return;
	}
	const label = on_hold ? __("Release Hold") : __("Put On Hold");
	frm.add_custom_button(label, () => {
		frappe.prompt(
			[
				{
					fieldname: "reason",
					fieldtype: "Small Text",
					label: on_hold ? __("Why is the hold released?") : __("Why is it held?"),
					reqd: 1,
				},
			],
			(values) => {
				frappe
					.xcall(
						on_hold
							? "traceability_plus.holds.release_stock"
							: "traceability_plus.holds.hold_stock",
						{ doctype: frm.doctype, name: frm.doc.name, reason: values.reason }
					)
					.then(() => frm.reload_doc());
			},
			label,
			on_hold ? __("Release") : __("Hold")
		);
	});
}

frappe.ui.form.on("Batch", { refresh: traceability_plus_hold_buttons });
frappe.ui.form.on("Serial No", { refresh: traceability_plus_hold_buttons });
