"""The email outbox: messages are committed with the record that causes them and
sent afterwards, so a mail server outage never loses or blocks a patient's request.

service queues them (with the per-address caps), delivery sends them and tries
failed ones again, checks withdraws those no longer true, queries reads for staff.
"""
