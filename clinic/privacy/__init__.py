"""What UK GDPR asks of the clinic beyond the forms' consents: deleting personal data when its
retention runs out (retention), giving a person a copy of everything held about them
(subject_access), and deleting it on request or when they withdraw consent (erasure)."""
