"""Staff's pages: user administration, the audit log, plugin settings."""
