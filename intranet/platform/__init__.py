"""The platform under every feature: plugin manager, mail, notifications, attachments, full-text
search, markdown, local time, CLI, backup, schema, scale and demo data, audit records, the
dashboard and error pages."""
