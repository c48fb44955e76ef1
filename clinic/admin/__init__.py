"""The clinic admin's pages under /staff/admin."""
