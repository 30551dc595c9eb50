// Batch and Serial No lists: a held batch or serial number shows "On Hold" (red) before
// anything else; otherwise ERPNext's own indicator, which this file wraps, not replaces.
// The file is loaded with each of the two lists: it wraps each list's settings once.

["Batch", "Serial No"].forEach((doctype) => {
	const settings = (frappe.listview_settings[doctype] = frappe.listview_settings[doctype] || {});
	if (settings.traceability_plus_hold_indicator) {
		return;
	}
	settings.traceability_plus_hold_indicator = true;
	const erpnext_indicator = settings.get_indicator;
	settings.add_fields = [...(settings.add_fields || []), "tp_on_hold"];
	settings.get_indicator = (doc) => {
		if (doc.tp_on_hold) {
			return [__("On Hold"), "red", "tp_on_hold,=,1"];
		}
		return erpnext_indicator ? erpnext_indicator(doc) : undefined;
	};
});
