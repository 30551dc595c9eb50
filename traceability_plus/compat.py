"""The few differences between Frappe/ERPNext v15 and v16, in one place."""

try:  # v16: the test base classes moved to frappe.tests
	from frappe.tests import IntegrationTestCase
except ImportError:  # v15
	from frappe.tests.utils import FrappeTestCase as IntegrationTestCase

__all__ = ["IntegrationTestCase"]
