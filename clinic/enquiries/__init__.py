"""A patient's enquiry: service saves it with its consents and photos, notifications are the
emails it causes."""
