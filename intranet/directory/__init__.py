"""The directory: members, profiles, countries and organisations, and their demo data."""
