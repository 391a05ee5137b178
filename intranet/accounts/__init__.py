"""Accounts: signing in and out, sessions, two-factor, passwords, users and their delegations."""
