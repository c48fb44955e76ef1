"""The staff area: sign-in, reception's inbox, the day list; the admin pages are in clinic.admin."""
